import { tokens } from '@fluentui/react-components';

/**
 * The console's raised panel (a page's main card or a wizard's step panel): one look everywhere.
 * Spread into a makeStyles rule and add the layout the page needs.
 */
export const surface = {
  backgroundColor: tokens.colorNeutralBackground1,
  padding: tokens.spacingHorizontalXL,
  borderRadius: tokens.borderRadiusMedium,
  boxShadow: tokens.shadow4,
} as const;
