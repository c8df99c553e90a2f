import { Field, Input } from '@fluentui/react-components';

interface Props {
  value: string;
  onChange(value: string): void;
  validationMessage?: string | undefined;
  label?: string;
}

/** A usage location: the ISO 3166 two-letter code the directory requires before a licence. */
export function UsageLocationField({ value, onChange, validationMessage, label = 'Usage location' }: Props) {
  return (
    <Field
      label={label}
      hint="Two-letter country code, e.g. US, GB, DK. Needed before a licence can be assigned."
      validationMessage={validationMessage}
    >
      <Input
        value={value}
        maxLength={2}
        style={{ width: '6em' }}
        onChange={(_, data) => onChange(data.value.toUpperCase())}
      />
    </Field>
  );
}
