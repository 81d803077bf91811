/** exceljs's streaming writer by its own module (its types are the package's `stream.xlsx.WorkbookWriter`). */
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type { stream } from 'exceljs';
  const WorkbookWriter: typeof stream.xlsx.WorkbookWriter;
  export default WorkbookWriter;
}
