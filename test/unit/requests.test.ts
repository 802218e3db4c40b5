// The one request/response pairing (worker jobs, the panel's inspections, chart exports): an
// answer settles exactly the request with its id, once; a timeout, a failed send or a dead
// channel rejects instead of leaving the caller waiting forever.
import assert from 'node:assert/strict';
import { PendingRequests } from '../../src/shared/requests';

describe('PendingRequests', () => {
  it('gives each request its own id and settles each with the answer carrying that id, whatever the order', async () => {
    const requests = new PendingRequests<string>('export');
    const sent: string[] = [];
    const first = requests.request((id) => void sent.push(id));
    const second = requests.request((id) => void sent.push(id));
    assert.equal(new Set(sent).size, 2);
    assert.ok(sent.every((id) => id.startsWith('export-')));
    assert.equal(requests.resolve(sent[1], 'second answer'), true);
    assert.equal(requests.resolve(sent[0], 'first answer'), true);
    assert.deepEqual(await Promise.all([first, second]), ['first answer', 'second answer']);
    assert.equal(requests.size, 0);
  });

  it('settles once: a second answer, or one to an id never asked, is reported as unexpected', async () => {
    const requests = new PendingRequests<number>('job');
    const answer = requests.request(() => true, { id: 'train-1' });
    assert.equal(requests.resolve('train-1', 1), true);
    assert.equal(requests.resolve('train-1', 2), false);
    assert.equal(requests.reject('train-1', new Error('late')), false);
    assert.equal(requests.resolve('nobody', 3), false);
    assert.equal(requests.resolve(undefined, 3), false);
    assert.equal(await answer, 1);
  });

  it('keeps a context with the request until it settles (where its events go, which webview was asked)', async () => {
    const requests = new PendingRequests<string, (event: string) => void>('job');
    const events: string[] = [];
    const answer = requests.request(() => true, { id: 'r1', context: (event) => events.push(event) });
    requests.context('r1')?.('progress 1');
    requests.context('r1')?.('progress 2');
    requests.resolve('r1', 'done');
    assert.equal(await answer, 'done');
    assert.equal(requests.context('r1'), undefined);
    assert.deepEqual(events, ['progress 1', 'progress 2']);
  });

  it('rejects with the error answer, on timeout, when the request could not be sent, and when the channel dies', async () => {
    const requests = new PendingRequests<string>('inspect');
    let id = '';
    const refused = requests.request((sentId) => void (id = sentId));
    requests.reject(id, new Error('the checkpoint is gone'));
    await assert.rejects(refused, /the checkpoint is gone/);

    const slow = requests.request(() => true, { timeoutMs: 10, onTimeout: () => new Error('no chart images within 0.01 s') });
    await assert.rejects(slow, /no chart images within 0\.01 s/);

    await assert.rejects(
      requests.request(() => false, { onSendFailed: () => new Error('the worker is not running') }),
      /the worker is not running/,
    );
    await assert.rejects(
      requests.request(() => {
        throw new Error('channel closed');
      }),
      /channel closed/,
    );

    const a = requests.request(() => true);
    const b = requests.request(() => true);
    requests.rejectAll(new Error('the worker died'));
    await assert.rejects(a, /the worker died/);
    await assert.rejects(b, /the worker died/);
    assert.equal(requests.size, 0);
  });
});
