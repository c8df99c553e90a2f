import { Button, Field, Input, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import { useState } from 'react';

/** A generated password, shown this once: the directory keeps only its hash. */
export function TemporaryPassword({ userName, password }: { userName: string; password: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <MessageBar intent="warning">
        <MessageBarBody>
          Give this temporary password to {userName} now: it is shown only once. They choose their own at
          first sign-in.
        </MessageBarBody>
      </MessageBar>
      <Field label="Temporary password">
        <Input
          readOnly
          value={password}
          contentAfter={
            <Button
              appearance="transparent"
              size="small"
              icon={<CopyRegular />}
              aria-label="Copy the password"
              onClick={() => {
                void navigator.clipboard?.writeText(password).then(() => setCopied(true));
              }}
            />
          }
        />
      </Field>
      {copied ? <span role="status">Copied.</span> : null}
    </>
  );
}
