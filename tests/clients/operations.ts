/** A frontend's operations, as a client's code would hold them (and a manifest lists them). */
export const BRIEFING_TITLE = /* GraphQL */ `
  query BriefingTitle($slug: Slug!) {
    briefing(slug: $slug) {
      title
      claims(first: 2) {
        totalCount
      }
    }
  }
`;

export const ACTOR_NAMES = /* GraphQL */ `
  query ActorNames($first: Int) {
    actors(first: $first) {
      edges {
        node {
          name
        }
      }
    }
  }
`;
