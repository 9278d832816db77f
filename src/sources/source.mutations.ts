import { builder } from '../builder.js';
import { commandOf } from '../mutations/validate.js';
import { atVersion, writeField, writeInput } from '../mutations/write-field.js';
import { SourceRef } from '../refs.js';
import {
  CreateSourceInput,
  UpdateSourceInput,
  parseCreateSource,
  parseUpdateSource,
} from './source.inputs.js';
import { createSource, updateSource } from './source.service.js';

builder.mutationFields((t) => ({
  createSource: t.field({
    type: SourceRef,
    description: 'Records a source (optionally relaying another).',
    ...writeField({
      role: 'editor',
      result: 'source',
      args: {
        ...writeInput(CreateSourceInput),
      },
      run: (args, write) => createSource(write, commandOf(parseCreateSource(args.input))),
    }),
  }),
  updateSource: t.field({
    type: SourceRef,
    description: 'Changes a source at the version you read (`expectedVersion`).',
    ...writeField({
      role: 'editor',
      result: 'source',
      args: {
        ...atVersion(),
        ...writeInput(UpdateSourceInput),
      },
      run: (args, write) => updateSource(write, commandOf(parseUpdateSource(args))),
    }),
  }),
}));
