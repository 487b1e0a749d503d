import { MetadataSchema, checkMetadata } from '@audit/shared';
const m2 = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 1}');
console.log('own keys in', Reflect.ownKeys(m2), checkMetadata(m2));
const r2 = MetadataSchema.safeParse(m2);
console.log(r2.success, r2.success && Reflect.ownKeys(r2.data), r2.success && Object.getPrototypeOf(r2.data), JSON.stringify(r2.data), r2.error?.issues);
