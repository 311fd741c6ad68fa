import { BadRequestException } from '@nestjs/common';

/**
 * A `limit` query parameter: absent → `fallback`, else a whole number from 1 to `max`, or a 400.
 * Read by hand rather than with ParseIntPipe: the global ValidationPipe's transform turns "abc"
 * into NaN first, which DefaultValuePipe then takes for absent.
 */
export function queryLimit(raw: string | undefined, fallback: number, max = 500): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > max) {
    throw new BadRequestException(`limit must be a whole number from 1 to ${max}`);
  }
  return limit;
}
