import { FORMATTED } from '../../../api/sales';
import { PageHeader } from '../../../components/PageHeader';
import { RecordList } from './RecordList';

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** Accounts in Sales, through the Dataverse Web API with the signed-in user's own privileges. */
export function AccountsPage() {
  return (
    <>
      <PageHeader
        title="Accounts"
        description="The companies Sales works with. You see the accounts your security roles let you read."
      />
      <RecordList
        entitySet="accounts"
        plural="accounts"
        keyField="accountid"
        searchField="name"
        select={['name', 'accountnumber', 'telephone1', 'address1_city', '_ownerid_value', 'modifiedon']}
        columns={[
          { label: 'Account name', value: (r) => text(r.name) },
          { label: 'Account number', value: (r) => text(r.accountnumber) },
          { label: 'Main phone', value: (r) => text(r.telephone1) },
          { label: 'City', value: (r) => text(r.address1_city) },
          { label: 'Owner', value: (r) => text(r[`_ownerid_value${FORMATTED}`]) },
        ]}
      />
    </>
  );
}
