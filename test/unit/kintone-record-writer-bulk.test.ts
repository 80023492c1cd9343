import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';

/** A client that records bulk updates and answers GAIA_RE01 for records it does not have. */
function stubClient(existing: (id: string) => boolean) {
  const puts: string[][] = [];
  const gets: string[] = [];
  const client = {
    record: {
      updateRecords: async (params: { records: { id: string }[] }) => {
        const ids = params.records.map((record) => record.id);
        const missing = ids.find((id) => !existing(id));
        if (missing !== undefined) {
          throw new KintoneRestAPIError({
            data: { id: 'e', code: 'GAIA_RE01', message: `record ${missing} not found` },
            status: 404,
            statusText: '',
            headers: {},
          });
        }
        puts.push(ids);
        return { records: ids.map((id) => ({ id, revision: '2' })) };
      },
      getRecords: async (params: { query: string }) => {
        gets.push(params.query);
        const ids = [...params.query.matchAll(/"(\d+)"/g)].map((match) => match[1] ?? '');
        return { records: ids.filter(existing).map((id) => ({ $id: { value: id } })) };
      },
    },
  } as unknown as KintoneRestAPIClient;
  return { client, puts, gets };
}

const updates = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    recordId: String(index + 1),
    values: { 発注番号: `PO-${index + 1}` },
  }));

describe('RestKintoneRecordWriter.updateRecords', () => {
  it('sends at most 100 records per request', async () => {
    // Prepare
    const { client, puts } = stubClient(() => true);
    const writer = new RestKintoneRecordWriter(async () => client);

    // Act
    const result = await writer.updateRecords('12', updates(250));

    // Assess
    expect(puts.map((ids) => ids.length)).toEqual([100, 100, 50]);
    expect(result).toEqual({ missingRecords: [] });
  });

  it('looks up the chunk refused for a deleted record and writes the rest of it', async () => {
    // Prepare
    const { client, puts, gets } = stubClient((id) => id !== '150');
    const writer = new RestKintoneRecordWriter(async () => client);

    // Act
    const result = await writer.updateRecords('12', updates(201));

    // Assess
    expect(result).toEqual({ missingRecords: ['150'] });
    expect(gets).toHaveLength(1);
    expect(puts.map((ids) => ids.length)).toEqual([100, 99, 1]);
    expect(puts[1]).not.toContain('150');
  });
});
