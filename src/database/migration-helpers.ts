import { TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations, in the types both SQLite and PostgreSQL accept, so one
 * migration runs on both.
 */
export const col = {
  id: (name = 'id'): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: '36',
    isPrimary: true,
  }),
  varchar: (name: string, length: number, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  text: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'text',
    isNullable: nullable,
  }),
  integer: (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({
    name,
    type: 'integer',
    isNullable: nullable,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  }),
  bigint: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'bigint',
    isNullable: nullable,
  }),
  real: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'real',
    isNullable: nullable,
  }),
  boolean: (name: string, defaultValue: boolean): TableColumnOptions => ({
    name,
    type: 'boolean',
    isNullable: false,
    default: defaultValue,
  }),
  instant: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: '24',
    isNullable: nullable,
  }),
  localDate: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: '10',
    isNullable: nullable,
  }),
};
