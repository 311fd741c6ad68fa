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

  /** What pg throws for a value it cannot take (SQLSTATE 22P02). */
  const refusedValue = () =>
    Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });

  it('when the database refuses what a row holds, writes each row alone: only that row fails its caller', async () => {
    const statements: number[][] = [];
    const writer = new BatchWriter<number>(async (rows) => {
      statements.push(rows);
      if (rows.includes(13)) throw refusedValue();
    });
    const outcomes = await Promise.allSettled([12, 13, 14].map((row) => writer.write(row)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22P02' });
    expect(statements).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('when the database is away, fails every caller at once and sends no statement row by row', async () => {
    const statements: number[][] = [];
    const writer = new BatchWriter<number>(async (rows) => {
      statements.push(rows);
      throw Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      });
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((row) => writer.write(row)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(statements).toEqual([[1, 2, 3]]);
  });

  it('a single row that fails rejects its caller with the error', async () => {
    const writer = new BatchWriter<number>(async () => {
      throw new Error('database down');
    });
    await expect(writer.write(1)).rejects.toThrow('database down');
  });
});
