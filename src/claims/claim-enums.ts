import { builder } from '../builder.js';
import type { ActorRole } from './claim.repository.js';

export const ActorRoleEnum = builder.enumType('ActorRole', {
  description: 'How a claim involves an actor.',
  values: {
    SUBJECT: { value: 'SUBJECT', description: 'The actor the claim is about (its subject).' },
    OBJECT: { value: 'OBJECT', description: 'One of the claim’s objects.' },
    ANY: { value: 'ANY', description: 'Subject or object.' },
  } as const satisfies Record<ActorRole, { value: ActorRole; description: string }>,
});
