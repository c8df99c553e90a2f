import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  makeStyles,
  Option,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../api/api-error';
import {
  createErpRecord,
  listErpRecords,
  updateErpRecord,
  type Company,
  type ErpRecord,
} from '../../api/erp';
import { FormError } from '../../components/FormError';
import type { ErpEntity, ErpField } from './entities';
import { useReturnFocus } from '../../components/useReturnFocus';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
    gap: tokens.spacingHorizontalL,
  },
});

type Values = Record<string, string | boolean>;

function initialValues(entity: ErpEntity, record: ErpRecord | null): Values {
  return Object.fromEntries(
    entity.fields.map((f) => {
      const value = record?.[f.name];
      if (f.type === 'boolean') return [f.name, Boolean(value)];
      if (value === null || value === undefined)
        return [f.name, f.type === 'choice' ? (f.options?.[0] ?? '') : ''];
      return [f.name, String(value)];
    }),
  );
}

function toBody(
  entity: ErpEntity,
  values: Values,
  creating: boolean,
  original: Values,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of entity.fields) {
    if (field.createOnly && !creating) continue;
    const value = values[field.name];
    if (!creating && value === original[field.name]) continue;
    if (field.type === 'boolean') body[field.name] = Boolean(value);
    else if (field.type === 'number') body[field.name] = value === '' ? 0 : Number(value);
    else if (value !== '' || !creating) body[field.name] = value;
  }
  return body;
}

/**
 * Business Central names the field in its messages ("The field Salesperson Code of table Customer
 * contains a value …", "… Code …"): show such a message under that field, the others by the buttons.
 */
function fieldOfMessage(entity: ErpEntity, message: string): ErpField | undefined {
  const lower = message.toLowerCase();
  return entity.fields
    .filter(
      (f) =>
        lower.includes(`field ${f.label.toLowerCase()}`) ||
        lower.includes(`'${f.name.toLowerCase()}'`) ||
        lower.includes(`"${f.name.toLowerCase()}"`),
    )
    .sort((a, b) => b.label.length - a.label.length)[0];
}

/** Create or edit one ERP record; the ERP checks everything and its message says what to fix. */
export function ErpRecordDialog({
  company,
  entity,
  record,
  onClose,
}: {
  company: Company;
  entity: ErpEntity;
  record: ErpRecord | null;
  onClose(): void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const queryClient = useQueryClient();
  const creating = record === null;
  const [original] = useState(() => initialValues(entity, record));
  const [values, setValues] = useState<Values>(original);
  const save = useMutation({
    mutationFn: () => {
      const body = toBody(entity, values, creating, original);
      return creating
        ? createErpRecord(company.id, entity.entitySet, body)
        : updateErpRecord(company.id, entity.entitySet, record, body);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['erp', company.id, entity.entitySet] });
      onClose();
    },
  });
  const message = save.error ? messageOf(save.error) : null;
  const errorField = message ? fieldOfMessage(entity, message) : undefined;
  /** Required fields left blank, checked before anything is sent. */
  const [blank, setBlank] = useState<string[]>([]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const missing = entity.fields
      .filter((f) => f.required && (creating || !f.createOnly))
      .filter((f) => !String(values[f.name] ?? '').trim())
      .map((f) => f.name);
    setBlank(missing);
    if (missing.length > 0) {
      save.reset();
      window.setTimeout(() =>
        document.querySelector<HTMLElement>('[role="dialog"] [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    save.mutate();
  }

  const title = creating
    ? `New ${entity.singular}`
    : `${entity.singular[0]!.toUpperCase()}${entity.singular.slice(1)} ${String(record[entity.keyField] ?? '')}`;
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface aria-describedby={undefined} style={{ maxWidth: '760px' }}>
        <form onSubmit={submit} noValidate>
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent>
              <div className={styles.grid}>
                {entity.fields
                  .filter((f) => creating || !f.createOnly)
                  .map((field) => (
                    <Field
                      key={field.name}
                      label={field.type === 'boolean' ? undefined : field.label}
                      required={field.required}
                      hint={field.hint}
                      validationMessage={
                        blank.includes(field.name)
                          ? `Enter the ${field.label.toLowerCase()}.`
                          : errorField === field
                            ? message
                            : undefined
                      }
                    >
                      {field.type === 'boolean' ? (
                        <Checkbox
                          label={field.label}
                          checked={Boolean(values[field.name])}
                          onChange={(_, d) => setValues((v) => ({ ...v, [field.name]: Boolean(d.checked) }))}
                        />
                      ) : field.type === 'lookup' && field.lookup ? (
                        <LookupDropdown
                          company={company}
                          lookup={field.lookup}
                          value={String(values[field.name] ?? '')}
                          onChange={(value) => setValues((v) => ({ ...v, [field.name]: value }))}
                        />
                      ) : field.type === 'choice' ? (
                        <Dropdown
                          value={String(values[field.name]).trim() || '(none)'}
                          selectedOptions={[String(values[field.name])]}
                          onOptionSelect={(_, d) =>
                            setValues((v) => ({ ...v, [field.name]: d.optionValue ?? '' }))
                          }
                        >
                          {(field.options ?? []).map((o) => (
                            <Option key={o} value={o}>
                              {o.trim() || '(none)'}
                            </Option>
                          ))}
                        </Dropdown>
                      ) : (
                        <Input
                          type={field.type === 'number' ? 'number' : 'text'}
                          value={String(values[field.name] ?? '')}
                          maxLength={field.max}
                          onChange={(_, d) => setValues((v) => ({ ...v, [field.name]: d.value }))}
                        />
                      )}
                    </Field>
                  ))}
              </div>
              <FormError
                message={errorField ? null : message}
                title={creating ? `The ${entity.singular} was not created` : 'The changes were not saved'}
              />
            </DialogContent>
            <DialogActions>
              <Button type="submit" appearance="primary" disabled={save.isPending}>
                {creating ? 'Create' : 'Save'}
              </Button>
              <Button onClick={onClose}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

/** A field that refers to another record (a customer's salesperson): picked from that list, not typed. */
function LookupDropdown({
  company,
  lookup,
  value,
  onChange,
}: {
  company: Company;
  lookup: NonNullable<ErpField['lookup']>;
  value: string;
  onChange(value: string): void;
}) {
  const records = useQuery({
    queryKey: ['erp', company.id, lookup.entitySet, 'lookup'],
    queryFn: () => listErpRecords(company.id, lookup.entitySet, { orderBy: lookup.key, top: 1000, skip: 0 }),
  });
  const options = (records.data?.value ?? []).map((r) => ({
    key: String(r[lookup.key] ?? ''),
    name: String(r[lookup.name] ?? ''),
  }));
  const label = (key: string) => {
    const found = options.find((o) => o.key === key);
    return found ? `${found.key} · ${found.name}` : key;
  };
  return (
    <Dropdown
      value={value ? label(value) : '(none)'}
      selectedOptions={[value]}
      placeholder={records.isPending ? `Loading ${lookup.title}…` : undefined}
      onOptionSelect={(_, d) => onChange(d.optionValue ?? '')}
    >
      <Option value="" text="(none)">
        (none)
      </Option>
      {options.map((o) => (
        <Option key={o.key} value={o.key} text={`${o.key} · ${o.name}`}>
          {`${o.key} · ${o.name}`}
        </Option>
      ))}
      {value && !options.some((o) => o.key === value) ? (
        <Option value={value} text={value}>
          {value}
        </Option>
      ) : null}
    </Dropdown>
  );
}
