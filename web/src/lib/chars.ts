/** Characters as the server counts them: Unicode code points (shared/schemas/text.ts). */
export { codePointLength } from '../../../shared/schemas/text';
