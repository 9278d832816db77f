import type { EnumRef, InputObjectRef, SchemaTypes } from '@pothos/core';
import { builder } from '../builder.js';
import { enumOf, type Described } from './enums.js';
import { CHANGED_ASC } from './updated-since.js';

/** The schema builder's types, for refs passed to helpers that declare arguments. */
export type Types =
  typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

/**
 * The `filter` and `orderBy` arguments of a list, declared once for every connection field that
 * takes them (root lists and nested ones alike).
 */
export function listArgs<Filter extends object, Order extends string>(
  filter: InputObjectRef<Types, Filter>,
  orderBy: EnumRef<Types, Order, Order>,
  defaultOrder: NoInfer<Order>,
) {
  return builder.args((t) => ({
    filter: t.field({
      type: filter,
      description: 'Only the items that meet every condition given.',
    }),
    orderBy: t.field({
      type: orderBy,
      required: true,
      defaultValue: defaultOrder,
      description: 'The order of the items; ties are broken by id, so pages never overlap or skip.',
    }),
  }));
}

/** What `listArgs` gives a resolver. */
export interface ListArgs<Filter, Order extends string> {
  filter?: Filter | null;
  orderBy: Order;
}

/**
 * A list's order enum (`ActorOrder`, …): every one breaks ties on id and ends with the change
 * feed's order, CHANGED_ASC.
 */
export function orderEnum<Order extends string>(
  name: string,
  items: string,
  values: Described<Exclude<Order, 'CHANGED_ASC'>>,
) {
  return enumOf<Order>(name, `Orders for ${items} lists; ties break on id.`, {
    ...values,
    CHANGED_ASC,
  } as Described<Order>);
}
