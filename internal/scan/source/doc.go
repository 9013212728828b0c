// Package source holds the readers of the personal-data scanner: they turn
// a directory tree into text units, each with its location (a path, a line,
// a CSV column or a JSON key path) and its context (the header or key name
// a detector weighs).
//
// Walk chooses a reader by file extension, then by sniffing the first
// bytes:
//
//   - plain text (.txt, .log, .md and any other file that looks like text):
//     one unit per non-blank line;
//   - CSV and TSV (.csv, .tsv): one unit per non-blank cell, with the
//     delimiter, the encoding and the header row detected; a .txt file,
//     or one without an extension, whose first lines are a tab-separated
//     table under a header row (Excel's "Unicode Text" export) is read as
//     TSV;
//   - JSON (.json): one unit per string or number, with its key path;
//     NDJSON (.ndjson, .jsonl): the same per line;
//   - HTML (.html, .htm): the text, without scripts, styles, tags or
//     comments, with entities decoded; in a table whose first row is of
//     <th> cells, each cell below is a unit of its own whose column and
//     hint are its column's header.
//   - E-mail (.eml, or a file that starts with mail headers): the From, To,
//     Cc, Bcc, Reply-To, Sender, Subject, Delivered-To and Return-Path
//     fields (column and hint the field's name), the text parts' lines
//     (column "body", "body.2"...), HTML parts as "mail.eml!body.html",
//     attachments and forwarded messages as nested files
//     ("mail.eml!invoice.csv"), MIME decoded to UTF-8.
//   - Mailboxes (.mbox, .mbx, or a file that starts with a "From " line
//     and a message): each message as a nested e-mail, "inbox.mbox!12.eml".
//   - XLSX workbooks (.xlsx, .xlsm, or a ZIP holding xl/workbook.xml): one
//     unit per non-blank cell of every sheet, streamed row by row, as the
//     workbook displays it; Line is the row, Column the cell ("Sheet1!B7"),
//     Hint the column's header when the sheet's first non-blank row is one
//     (judged, and emitted or not, as for CSV).
//   - DOCX documents (.docx, or a ZIP holding word/document.xml): one unit
//     per non-blank paragraph, table cells' included, of the body, then
//     of the headers, footers, footnotes, endnotes and comments; Line is
//     the paragraph's number in its part, Column "" for the body and the
//     part's name ("header1", "footnotes") for the others.
//   - PDF (.pdf, or a file that starts with "%PDF-"): the text layer only
//     (no OCR: scanned pages without text give nothing), page by page, the
//     text of forms drawn on a page included, grouped into lines by
//     baseline and read top to bottom, left to right; one unit per line,
//     Line numbering the lines across the document, Column "page N".
//     Files encrypted with a password other than the empty one are
//     reported ("encrypted PDF: not read"), and so are malformed files and
//     pages, and pages over the limits (10,000 pages; 16 MiB of text or
//     64 MiB of decoded content per page), which are skipped.
//
// Chat exports are recognised by their first 64 KiB (JSON ones among the
// .json files, WhatsApp ones among the text files of any name) and read
// so that the detectors know a sender's name from a message (column and
// hint below; a "name" hint makes the detectors take the whole text for a
// person's name). The keys and lines an export does not have are read as
// plain JSON or text is, so a file taken for one by mistake loses little.
//
//   - Facebook and Instagram "Download your information" message files
//     (messages/inbox/<thread>/message_1.json: "sender_name" with
//     "timestamp_ms" or "participants"): read as JSON, with Facebook's
//     mojibake undone in every string (each byte of the UTF-8 written as
//     a character "\u00XX": a string whose characters are all below
//     U+0100, one at least above U+007F, and which as bytes is valid
//     UTF-8, is replaced by those bytes). sender_name, participants[].name,
//     the thread's title and reactions' actor get name hints ("sender
//     name", "participant name", "conversation name", "actor name"),
//     content keeps "content"; timestamps are left out.
//   - Telegram Desktop result.json, of one chat or of all ("from_id" with
//     "type": "message", a chat "type" such as "personal_chat" with its
//     "messages", or "personal_information"): from and forwarded_from get
//     "sender name", a chat's name "conversation name", the members of a
//     service message "member name"; a text that is an array is read
//     piece by piece, its phone, email, bank_card and mention_name
//     entities hinted "phone", "email", "card number" and "mentioned
//     name"; text_entities, which repeats the text, is left out, and so
//     are dates, message ids and types. from_id, actor_id and user_id are
//     hinted "user id".
//   - WhatsApp chat exports (.txt or any text file, from Android or iOS:
//     the first non-blank line starts with a date and a time, "12/31/20,
//     9:41 PM - ", "31.12.20, 21:41 - ", "[31/12/2020, 21:41:05] ", and
//     so do five, or half, of the first forty non-blank lines): per
//     message, the sender in column "sender" with the hint "sender
//     name" (a phone number when the sender is not a contact), and the
//     text in column "message"; a line without a date goes on the
//     message above and is emitted in column "message" on its own line;
//     a system line (no "Sender: ") is emitted whole in column
//     "message". The dates and times are never emitted, nor "<Media
//     omitted>", "image omitted" and the "<attached: ...>" file names.
//   - Zalo: Zalo PC has no export of its own. Supported is the JSON that
//     backup tools write from Zalo PC/web message objects: a top-level
//     array of messages, or an object holding them in "messages", "data"
//     or "msgs" (any key, in fact: keys are read wherever they are), each
//     message an object with fields among msgId, cliMsgId, uidFrom or
//     fromUid, idTo, dName, fromName or senderName, content (a string, or
//     an object with title, description, href and params), msgType, ts or
//     sendDttm, quote (ownerId, fromD, msg) and mentions (uid, pos, len),
//     and the conversation's name in conversationName, groupName or
//     threadName. A file is taken for one when two of the keys msgId,
//     cliMsgId, globalMsgId, uidFrom, fromUid, idTo, dName, msgType and
//     sendDttm appear in its first 64 KiB. dName, fromName, senderName and
//     fromD are hinted "sender name", the conversation's name
//     "conversation name", uidFrom, fromUid, idTo, ownerId and uid "user
//     id" (Zalo's internal ids, of no other meaning), content, the title,
//     description and params of an object content, and a quote's msg
//     "content"; timestamps, message ids and types are left out. A Zalo
//     conversation saved as an HTML page (from Zalo Web in a browser, or
//     by a tool that writes HTML) is read by the HTML reader as any page
//     is: its text, without hints.
//
// Memory stays bounded whatever the input: files are streamed, lines and
// cells longer than Options.MaxLineBytes are split, and the structures a
// reader must hold whole (a CSV record, a JSON token) are capped at a
// small multiple of it, past which the file is reported and abandoned.
package source
