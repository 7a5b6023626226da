/** The command that removes the sample data (package.json), named in the UI and the README. */
export const DEMO_REMOVE_COMMAND = 'npm run demo:remove';

/** The commune the demo fills (`DEMO_COMMUNE`), as people read it. */
export const DEMO_COMMUNE_NAME = 'Phường Hạc Thành';
