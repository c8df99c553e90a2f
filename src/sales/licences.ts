/**
 * Which directory licences let a person use Sales: the Customer Engagement plan, Sales Enterprise,
 * and the other Dynamics 365 Sales / Customer Engagement SKUs (part numbers DYN365_SALES…,
 * DYN365_ENTERPRISE…). Business Central SKUs (DYN365_BUSCENTRAL…) do not.
 */
export const SALES_LICENCE_EXAMPLE = 'DYN365_ENTERPRISE_PLAN1';

export function isSalesLicence(partNumber: string): boolean {
  const part = partNumber.toUpperCase();
  return (
    part === 'DYN365_ENTERPRISE_PLAN1' ||
    part === 'DYN365_ENTERPRISE_SALES' ||
    part.startsWith('DYN365_SALES') ||
    part.startsWith('DYN365_ENTERPRISE')
  );
}
