import type { PropertyType } from '../../platform/odata/index.js';
import type { SalesEntity } from './sales-entity.js';

/**
 * The CSDL `$metadata` document (OData 4.0 XML) for the entity sets served, generated from the same
 * descriptions the queries use, so what a client (or a code generator such as the Dataverse typings
 * tools) reads here is exactly what the service accepts. Namespace and alias are Dataverse's.
 */

export const NAMESPACE = 'Microsoft.Dynamics.CRM';

const EDM: Record<PropertyType, string> = {
  string: 'Edm.String',
  guid: 'Edm.Guid',
  int: 'Edm.Int32',
  enum: 'Edm.Int32',
  decimal: 'Edm.Decimal',
  boolean: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  date: 'Edm.Date',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function entityType(entity: SalesEntity): string {
  const lines: string[] = [];
  lines.push(`<EntityType Name="${escapeXml(entity.logicalName)}">`);
  lines.push(`<Key><PropertyRef Name="${escapeXml(entity.definition.key)}"/></Key>`);
  for (const p of entity.definition.properties) {
    // versionnumber is a 64-bit row version in Dataverse (Edm.Int64).
    const type = p.name === 'versionnumber' ? 'Edm.Int64' : EDM[p.type];
    const nullable = p.nullable ? '' : ' Nullable="false"';
    const scale = p.type === 'decimal' ? ' Scale="Variable"' : '';
    lines.push(`<Property Name="${escapeXml(p.name)}" Type="${type}"${nullable}${scale}/>`);
  }
  for (const lookup of entity.lookups) {
    for (const t of lookup.targets) {
      lines.push(
        `<NavigationProperty Name="${escapeXml(t.navigation)}" Type="mscrm.${escapeXml(t.logicalName)}">` +
          `<ReferentialConstraint Property="_${escapeXml(lookup.attribute)}_value" ReferencedProperty="${escapeXml(
            t.logicalName === 'systemuser' ? 'systemuserid' : t.logicalName + 'id',
          )}"/></NavigationProperty>`,
      );
    }
  }
  for (const nav of entity.definition.navigations ?? []) {
    if (nav.kind !== 'collection') continue;
    lines.push(
      `<NavigationProperty Name="${escapeXml(nav.name)}" Type="Collection(mscrm.${escapeXml(logicalNameOf(nav.target().entitySet))})"/>`,
    );
  }
  if (entity.entitySet === 'systemusers')
    lines.push(`<NavigationProperty Name="systemuserroles_association" Type="Collection(mscrm.role)"/>`);
  lines.push(`</EntityType>`);
  return lines.join('');
}

let logicalNames = new Map<string, string>();
function logicalNameOf(entitySet: string): string {
  return logicalNames.get(entitySet) ?? entitySet;
}

function entitySet(entity: SalesEntity): string {
  const bindings: string[] = [];
  for (const lookup of entity.lookups)
    for (const t of lookup.targets)
      bindings.push(
        `<NavigationPropertyBinding Path="${escapeXml(t.navigation)}" Target="${escapeXml(t.entitySet)}"/>`,
      );
  for (const nav of entity.definition.navigations ?? [])
    if (nav.kind === 'collection')
      bindings.push(
        `<NavigationPropertyBinding Path="${escapeXml(nav.name)}" Target="${escapeXml(nav.target().entitySet)}"/>`,
      );
  const changeTracking = entity.changeTracking
    ? `<Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record><PropertyValue Property="Supported" Bool="true"/></Record></Annotation>`
    : '';
  return `<EntitySet Name="${escapeXml(entity.entitySet)}" EntityType="${NAMESPACE}.${escapeXml(entity.logicalName)}">${bindings.join('')}${changeTracking}</EntitySet>`;
}

/** The whole CSDL document for the given entities. */
export function metadataDocument(entities: readonly SalesEntity[]): string {
  logicalNames = new Map(entities.map((e) => [e.entitySet, e.logicalName]));
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">` +
    `<edmx:DataServices>` +
    `<Schema Namespace="${NAMESPACE}" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">` +
    entities.map(entityType).join('') +
    `<ComplexType Name="WhoAmIResponse">` +
    `<Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false"/>` +
    `<Property Name="UserId" Type="Edm.Guid" Nullable="false"/>` +
    `<Property Name="OrganizationId" Type="Edm.Guid" Nullable="false"/>` +
    `</ComplexType>` +
    `<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false"/></Function>` +
    `<EntityContainer Name="System">` +
    entities.map(entitySet).join('') +
    `<FunctionImport Name="WhoAmI" Function="${NAMESPACE}.WhoAmI" IncludeInServiceDocument="false"/>` +
    `</EntityContainer>` +
    `</Schema>` +
    `</edmx:DataServices>` +
    `</edmx:Edmx>`
  );
}
