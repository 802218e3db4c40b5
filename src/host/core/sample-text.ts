// The Sample Text command's document, as a pure function: a header line that names the run and
// the settings, then the text wrapped at word boundaries (the model's own line breaks kept).

/** Breaks each line at spaces so no line is longer than `width` (a longer word stays whole). */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const lines: string[] = [];
      let current = '';
      for (const word of line.split(' ')) {
        if (current && current.length + 1 + word.length > width) {
          lines.push(current);
          current = word;
        } else {
          current = current ? `${current} ${word}` : word;
        }
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}

export interface SampleHeader {
  runTitle: string;
  temperature: number;
  prime: string;
  length: number;
}

export function sampleDocument(text: string, header: SampleHeader, width = 80): string {
  return `LSTM Lab sample from ${header.runTitle}\nTemperature ${header.temperature}, ${header.length} characters after the priming text ${JSON.stringify(header.prime)}; wrapped at ${width} columns for reading.\n\n${wrapText(text, width)}\n`;
}
