// Types for the aws-sdk-client-mock-vitest matchers registered in dynamo-mock.ts
// (`expect.extend(allCustomMatcher)`, i.e. the base matchers without the toReceive* aliases).
import 'vitest';
import type { BaseMatcher } from 'aws-sdk-client-mock-vitest';

declare module 'vitest' {
  interface Matchers<T = any> extends BaseMatcher<T> {}
}
