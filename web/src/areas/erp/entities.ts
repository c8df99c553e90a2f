/** How the console shows and edits one ERP entity set (fields are Business Central's names). */
export interface ErpField {
  name: string;
  label: string;
  type: 'text' | 'number' | 'boolean' | 'choice' | 'lookup';
  /** For a lookup: the entity set whose records it picks, by which key, shown with which name. */
  lookup?: { entitySet: string; key: string; name: string; title: string };
  max?: number;
  options?: string[];
  /** Shown in the list. */
  column?: boolean;
  /** Set only when creating (keys cannot be renamed). */
  createOnly?: boolean;
  required?: boolean;
  hint?: string;
}

export interface ErpEntity {
  entitySet: string;
  title: string;
  singular: string;
  description: string;
  keyField: string;
  searchField: string;
  fields: ErpField[];
}

/** A salesperson picked from the ERP's salespeople, not typed. */
const SALESPERSON_LOOKUP = {
  entitySet: 'salespeoplePurchasers',
  key: 'code',
  name: 'displayName',
  title: 'salespeople',
};

export const SALESPEOPLE: ErpEntity = {
  entitySet: 'salespeoplePurchasers',
  title: 'Salespeople',
  singular: 'salesperson',
  description:
    'Salespeople and purchasers. Each salesperson is later coupled to the Sales user who is the same person.',
  keyField: 'code',
  searchField: 'displayName',
  fields: [
    {
      name: 'code',
      label: 'Code',
      type: 'text',
      max: 20,
      column: true,
      createOnly: true,
      required: true,
      hint: 'Up to 20 characters, e.g. JR; stored in capitals.',
    },
    { name: 'displayName', label: 'Name', type: 'text', max: 50, column: true },
    { name: 'email', label: 'Email', type: 'text', max: 80, column: true },
    { name: 'phoneNo', label: 'Phone no.', type: 'text', max: 30, column: true },
    { name: 'jobTitle', label: 'Job title', type: 'text', max: 30 },
    { name: 'commisionPercent', label: 'Commission %', type: 'number', column: true },
    { name: 'blocked', label: 'Blocked', type: 'boolean', column: true },
  ],
};

export const CUSTOMERS: ErpEntity = {
  entitySet: 'customers',
  title: 'Customers',
  singular: 'customer',
  description: 'The companies and people the business sells to. Leave the number blank to take the next one.',
  keyField: 'number',
  searchField: 'displayName',
  fields: [
    {
      name: 'number',
      label: 'No.',
      type: 'text',
      max: 20,
      column: true,
      createOnly: true,
      hint: 'Blank: the next number in the series.',
    },
    { name: 'displayName', label: 'Name', type: 'text', max: 100, column: true, required: true },
    { name: 'addressLine1', label: 'Address', type: 'text', max: 100 },
    { name: 'city', label: 'City', type: 'text', max: 30, column: true },
    { name: 'postalCode', label: 'Post code', type: 'text', max: 20 },
    { name: 'country', label: 'Country/region code', type: 'text', max: 10 },
    { name: 'phoneNumber', label: 'Phone no.', type: 'text', max: 30, column: true },
    { name: 'email', label: 'Email', type: 'text', max: 80 },
    {
      name: 'salespersonCode',
      label: 'Salesperson code',
      type: 'lookup',
      lookup: SALESPERSON_LOOKUP,
      column: true,
    },
    { name: 'creditLimit', label: 'Credit limit (LCY)', type: 'number' },
    {
      name: 'blocked',
      label: 'Blocked',
      type: 'choice',
      options: [' ', 'Ship', 'Invoice', 'All'],
      column: true,
    },
  ],
};

export const CONTACTS: ErpEntity = {
  entitySet: 'contacts',
  title: 'ERP contacts',
  singular: 'contact',
  description: 'People and companies the business deals with. A person can belong to a company contact.',
  keyField: 'number',
  searchField: 'displayName',
  fields: [
    {
      name: 'number',
      label: 'No.',
      type: 'text',
      max: 20,
      column: true,
      createOnly: true,
      hint: 'Blank: the next number in the series.',
    },
    { name: 'type', label: 'Type', type: 'choice', options: ['Person', 'Company'], column: true },
    { name: 'displayName', label: 'Name', type: 'text', max: 100, column: true, required: true },
    { name: 'companyNumber', label: 'Company no.', type: 'text', max: 20, column: true },
    { name: 'email', label: 'Email', type: 'text', max: 80, column: true },
    { name: 'phoneNumber', label: 'Phone no.', type: 'text', max: 30, column: true },
  ],
};

export const ITEMS: ErpEntity = {
  entitySet: 'items',
  title: 'Items',
  singular: 'item',
  description: 'What the business sells. Leave the number blank to take the next one.',
  keyField: 'number',
  searchField: 'displayName',
  fields: [
    {
      name: 'number',
      label: 'No.',
      type: 'text',
      max: 20,
      column: true,
      createOnly: true,
      hint: 'Blank: the next number in the series.',
    },
    { name: 'displayName', label: 'Description', type: 'text', max: 100, column: true, required: true },
    {
      name: 'type',
      label: 'Type',
      type: 'choice',
      options: ['Inventory', 'Service', 'Non-Inventory'],
      column: true,
    },
    { name: 'unitPrice', label: 'Unit price', type: 'number', column: true },
    { name: 'unitCost', label: 'Unit cost', type: 'number', column: true },
    { name: 'baseUnitOfMeasureCode', label: 'Base unit of measure', type: 'text', max: 10, column: true },
    { name: 'blocked', label: 'Blocked', type: 'boolean', column: true },
  ],
};

export const OPPORTUNITIES: ErpEntity = {
  entitySet: 'opportunities',
  title: 'Opportunities',
  singular: 'opportunity',
  description:
    'Sales opportunities with a contact and a salesperson. Leave the number blank to take the next one.',
  keyField: 'number',
  searchField: 'description',
  fields: [
    {
      name: 'number',
      label: 'No.',
      type: 'text',
      max: 20,
      column: true,
      createOnly: true,
      hint: 'Blank: the next number in the series.',
    },
    { name: 'description', label: 'Description', type: 'text', max: 100, column: true, required: true },
    { name: 'contactNumber', label: 'Contact no.', type: 'text', max: 20, column: true },
    {
      name: 'salespersonCode',
      label: 'Salesperson code',
      type: 'lookup',
      lookup: SALESPERSON_LOOKUP,
      column: true,
    },
    {
      name: 'status',
      label: 'Status',
      type: 'choice',
      options: ['Not Started', 'In Progress', 'Won', 'Lost'],
      column: true,
    },
    { name: 'estimatedValue', label: 'Estimated value (LCY)', type: 'number', column: true },
    {
      name: 'estimatedClosingDate',
      label: 'Estimated closing date',
      type: 'text',
      hint: 'YYYY-MM-DD, or blank.',
    },
    { name: 'chancesOfSuccessPrc', label: 'Chances of success %', type: 'number' },
    { name: 'completedPrc', label: 'Completed %', type: 'number' },
  ],
};
