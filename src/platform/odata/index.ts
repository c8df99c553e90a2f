/** OData query machinery shared by the Sales (Dataverse) and ERP (Business Central) APIs. */
export {
  findNavigation,
  findProperty,
  keyProperty,
  type EntityDefinition,
  type NavigationDefinition,
  type PropertyDefinition,
  type PropertyType,
} from './entity-model.js';
export { tokenize, type Token } from './filter-tokenizer.js';
export {
  DEFAULT_FILTER_MAX_DEPTH,
  DEFAULT_FILTER_MAX_LENGTH,
  parseFilter,
  type CompareOperator,
  type FilterFunction,
  type FilterNode,
  type FilterParseOptions,
  type Literal,
} from './filter-parser.js';
export { bindFilter, type BoundExpression, type BoundFilter, type BoundLiteral } from './filter-binder.js';
export {
  parseQueryOptions,
  type ExpandItem,
  type OrderByItem,
  type QueryInput,
  type QueryOptions,
  type QueryOptionsPolicy,
} from './query-options.js';
export {
  completeSortOrder,
  escapeLike,
  filterToSql,
  orderByToSql,
  propertySql,
  sortExpression,
  type SqlOptions,
} from './to-sql.js';
export {
  afterRowSql,
  cursorSql,
  decodeSkipToken,
  encodeSkipToken,
  type CursorValue,
} from './keyset-paging.js';
export { expandPredicate } from './expand.js';
export { nearbyNames } from './name-suggestions.js';
