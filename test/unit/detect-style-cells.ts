// Kept for style tests that import it from here: the one reader is test/unit/helpers/detect-styles.ts.
export { fixtureLanguage, styleCells } from './helpers/detect-styles';
