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
          quantities { role text }
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

/**
 * The analyst's questions, one GraphiQL tab each after the default query: each runs as it is
 * against the seed (tests/docs/graphiql-examples.test.ts runs them anonymously).
 */
export const GRAPHIQL_EXAMPLE_QUERIES: readonly string[] = [
  `# Full-text search: web-search syntax ("exact phrase", -exclude, or), designators with or
# without hyphens (su30mk2), accents folded (Chavez finds Chávez).
query Search {
  search(query: "su30mk2 radar", first: 10) {
    totalCount
    edges { node { type rank snippet { html } record { __typename ... on Claim { statement } ... on Actor { name } } } }
  }
}
`,
  `# Who is connected to Venezuela, two hops out, and how.
query Neighbourhood {
  actor(wikidataQid: "Q717") {
    name
    neighbourhood(depth: 2, first: 20) {
      totalCount
      truncated
      edges { node { distance actor { name kind } firstHop { name } via { type from { name } to { name } } } }
    }
  }
}
`,
  `# Venezuela's history in valid-time order: claims, and relationships starting and ending.
query Timeline {
  actor(wikidataQid: "Q717") {
    name
    timeline(first: 20) {
      edges { node { kind date { label } claim { statement } relationship { type from { name } to { name } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`,
  `# How well each claim is supported: independent origins (two outlets relaying one briefing
# are one origin), each citation's chain and the grades along it.
query Corroboration {
  claims(first: 5, filter: { minIndependentOrigins: 1 }) {
    edges {
      node {
        statement
        corroboration {
          independentOrigins
          origins { source { title } supporting contradicting }
          supporting { length origin { title } strongestReliability weakestReliability citation { role source { title } } }
        }
      }
    }
  }
}
`,
  `# Contradictions: claims on the same subject, predicate and objects whose quantities or valid
# times cannot both hold, and sources cited against a claim; editors are offered DISPUTED. The
# seed has none (its 24 ordered and ~21 operational Su-30MK2 are different quantities): add a
# claim that Venezuela operates 30 Su-30MK2 to see one.
query Contradictions {
  contradictions(first: 20) {
    totalCount
    edges { node { kind reason claim { statement status suggestedStatus } otherClaim { statement } source { title } } }
  }
  claims(filter: { predicate: ["operates"] }, first: 5) {
    edges { node { statement status suggestedStatus contradictions { kind reason otherClaim { statement } } } }
  }
}
`,
  `# What changed since a cursor (start with none): mirror it, tombstones included.
query Changes {
  changes(first: 20) {
    edges { node { kind type recordId changedAt node { id } } }
    endCursor
    hasNextPage
  }
}
`,
];
