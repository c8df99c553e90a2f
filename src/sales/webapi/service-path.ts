/** Where the Dataverse-compatible Web API is served: its service root below Tandem's address. */
export const SERVICE_PATH = '/api/data/v9.2';
