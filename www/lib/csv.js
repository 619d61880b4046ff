// A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, commas
// and newlines inside quotes, CRLF or LF): feed it text in any chunks and it
// calls onRow(fields, line) per complete row, `line` being the 1-based line
// where the row starts. Used by the data import, in the worker.

export function createCsvReader(onRow) {
  let field = "";
  let row = [];
  let quoted = false; // inside quotes
  let afterQuote = false; // just saw a quote inside quotes: either "" or the closing one
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;

  const endField = () => {
    row.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === "")) onRow(row, rowLine); // skip blank lines
    row = [];
    rowLine = line;
  };

  return {
    push(text) {
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
          if (afterQuote) {
            afterQuote = false;
            if (c === '"') {
              field += '"';
              continue;
            }
            quoted = false; // that quote closed the field; handle c below
          } else if (c === '"') {
            afterQuote = true;
            continue;
          } else {
            if (c === "\n") line++;
            field += c;
            continue;
          }
        }
        if (c === '"' && !fieldStarted && field === "") {
          quoted = true;
          fieldStarted = true;
        } else if (c === ",") {
          endField();
        } else if (c === "\n") {
          line++;
          endRow();
        } else if (c === "\r") {
          // part of CRLF (a lone CR inside a field is dropped too)
        } else {
          field += c;
          fieldStarted = true;
        }
      }
    },
    end() {
      if (afterQuote) {
        afterQuote = false;
        quoted = false;
      }
      if (quoted) throw new Error(`line ${rowLine}: a quoted field is not closed`);
      if (field !== "" || row.length) endRow();
    },
  };
}
