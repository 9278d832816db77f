/**
 * `GET /stix/briefings/{slug}`; the slug as briefings are written (the `Slug` scalar in common/code-scalars.ts). Apart
 * from the plugin so that the endpoint guard (src/hardening) can name it without a cycle.
 */
export const STIX_BRIEFING_PATH = /^\/stix\/briefings\/([a-z0-9]+(?:-[a-z0-9]+)*)$/;
