/** What GraphiQL opens with: the seed briefing, its claims and where each comes from. */
export const GRAPHIQL_DEFAULT_QUERY = `# briefgraph: every claim traced to its sources.
# Press ▶ to run; open "Docs" (top left) for every type and field.
query SeedBriefing {
  briefing(slug: "venezuela-seeks-military-aid-from-russia-china-iran") {
    title
    publishedAt
    marking
    authors { name }
    media { caption credit licence { name url } }
    claims(first: 5) {
      totalCount
      edges {
        node {
          statement
          subject { name kind }
          predicate
          objects { name }
          quantity { text }
          validTime { from { label } to { label } note }
          likelihood
          confidence
          citations(first: 5) {
            edges {
              node {
                role
                credibility
                source {
                  title
                  reliability
                  derivationChain { title }
                }
              }
            }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`;
