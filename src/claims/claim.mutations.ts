// Mutations for this domain are registered here (imported by src/schema.ts).
export {};
