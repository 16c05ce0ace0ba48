import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { BatchQueue } from "../../executor/batch-queue.ts";

/** A queue of numbers (each item's size is its value) that records its batches; `gate` holds a batch while set. */
function recordingQueue(preferredBatchSize: number, timeout: number) {
  const batches: number[][] = [];
  let gate: Promise<void> | undefined;
  let idle = 0;
  const queue = new BatchQueue<number>({
    preferredBatchSize,
    timeout,
    sizeOf: (n) => n,
    run: async (batch) => {
      batches.push(batch);
      await gate;
    },
    onIdle: () => idle++,
  });
  return { queue, batches, hold: (until: Promise<void>) => (gate = until), idleCount: () => idle };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a batch runs once the queued sizes reach preferredBatchSize, taking whole items that fit, in order", async () => {
  const { queue, batches } = recordingQueue(16, 60_000);
  for (const n of [10, 4, 1]) queue.push(n);
  await tick();
  assert.equal(batches, [], "15 < 16 waits");
  queue.push(10);
  await tick();
  await tick();
  assert.equal(batches, [[10, 4, 1]], "10 more do not fit; they wait");
  assert.is(queue.length, 1);
  await queue.close();
  assert.equal(batches, [[10, 4, 1], [10]]);
});

test("an item bigger than preferredBatchSize runs alone and whole", async () => {
  const { queue, batches } = recordingQueue(4, 60_000);
  queue.push(1);
  queue.push(9);
  await tick();
  await tick();
  assert.equal(batches, [[1], [9]]);
  await queue.close();
});

test("one batch runs at a time; items queued meanwhile form the next batches", async () => {
  const { queue, batches, hold } = recordingQueue(2, 60_000);
  let release!: () => void;
  hold(new Promise<void>((resolve) => (release = resolve)));
  for (let i = 0; i < 6; i++) queue.push(1);
  await tick();
  assert.equal(batches, [[1, 1]]);
  assert.is(queue.length, 4);
  release();
  await queue.flush();
  assert.equal(batches, [[1, 1], [1, 1], [1, 1]]);
});

test("the timeout runs a partial batch; remove() takes an item out before it runs", async () => {
  const { queue, batches, idleCount } = recordingQueue(100, 30);
  queue.push(1);
  queue.push(2);
  queue.push(3);
  assert.ok(queue.remove(2));
  assert.not.ok(queue.remove(2));
  const started = performance.now();
  while (batches.length === 0 && performance.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(batches, [[1, 3]]);
  await tick();
  assert.ok(queue.idle);
  assert.ok(idleCount() >= 1);
});

test("flush() runs what waits and later pushes batch again; after close() every push runs at once", async () => {
  const { queue, batches } = recordingQueue(100, 60_000);
  queue.push(1);
  await queue.flush();
  assert.equal(batches, [[1]]);
  queue.push(1);
  await tick();
  assert.equal(batches, [[1]], "waits again after a flush");
  await queue.close();
  assert.equal(batches, [[1], [1]]);
  queue.push(5);
  await tick();
  await tick();
  assert.equal(batches, [[1], [1], [5]]);
  assert.ok(queue.idle);
});

test.run();
