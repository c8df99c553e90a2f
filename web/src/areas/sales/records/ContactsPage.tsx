import { FORMATTED } from '../../../api/sales';
import { PageHeader } from '../../../components/PageHeader';
import { RecordList } from './RecordList';

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** Contacts in Sales, through the Dataverse Web API with the signed-in user's own privileges. */
export function ContactsPage() {
  return (
    <>
      <PageHeader
        title="Sales contacts"
        description="The people Sales works with. You see the contacts your security roles let you read."
      />
      <RecordList
        entitySet="contacts"
        plural="contacts"
        keyField="contactid"
        searchField="fullname"
        select={['fullname', 'emailaddress1', 'telephone1', '_parentcustomerid_value', '_ownerid_value']}
        columns={[
          { label: 'Full name', value: (r) => text(r.fullname) },
          { label: 'Email', value: (r) => text(r.emailaddress1) },
          { label: 'Business phone', value: (r) => text(r.telephone1) },
          { label: 'Company name', value: (r) => text(r[`_parentcustomerid_value${FORMATTED}`]) },
          { label: 'Owner', value: (r) => text(r[`_ownerid_value${FORMATTED}`]) },
        ]}
      />
    </>
  );
}
