import { BatchWriter } from '../lib/batch-writer';

describe('BatchWriter', () => {
  it('writes the rows of one turn with one statement and resolves each caller after it', async () => {
    const statements: number[][] = [];
    const writer = new BatchWriter<number>(async (rows) => {
      statements.push(rows);
    });
    await Promise.all([1, 2, 3].map((row) => writer.write(row)));
    await writer.write(4);
    expect(statements).toEqual([[1, 2, 3], [4]]);
  });

  it('starts another statement past the most rows one may hold', async () => {
    const statements: number[][] = [];
    const writer = new BatchWriter<number>(async (rows) => {
      statements.push(rows);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((row) => writer.write(row)));
    expect(statements).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('when the batch fails, writes each row alone: only the refused row fails its caller', async () => {
    const statements: number[][] = [];
    const writer = new BatchWriter<number>(async (rows) => {
      statements.push(rows);
      if (rows.includes(13)) throw new Error('invalid input syntax');
    });
    const outcomes = await Promise.allSettled([12, 13, 14].map((row) => writer.write(row)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(
      new Error('invalid input syntax'),
    );
    expect(statements).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('a single row that fails rejects its caller with the error', async () => {
    const writer = new BatchWriter<number>(async () => {
      throw new Error('database down');
    });
    await expect(writer.write(1)).rejects.toThrow('database down');
  });
});
