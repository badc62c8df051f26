/** Mints a JWT for JWT_SECRET: `npm run token -- --role editor --sub alice [--hours 12] [--secret …]`. */
import { parseArgs } from 'node:util';
import { RoleSchema, signToken } from '../src/auth/tokens';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'editor' },
    sub: { type: 'string', default: 'editor' },
    hours: { type: 'string', default: '12' },
    secret: { type: 'string' },
  },
});
const secret = values.secret ?? process.env.JWT_SECRET;
const role = RoleSchema.safeParse(values.role);
const hours = Number(values.hours);
if (!secret || secret.length < 32 || !role.success || !(hours > 0)) {
  console.error('usage: JWT_SECRET=<≥32 chars> npm run token -- --role reader|editor|admin --sub <name> [--hours 12]');
  process.exit(2);
}
console.log(signToken({ sub: values.sub!, role: role.data }, secret, Math.round(hours * 3600)));
