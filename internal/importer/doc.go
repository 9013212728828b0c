// Package importer brings customer data kept elsewhere (spreadsheets, CSV
// exports of a CRM) into the vault: each row becomes one person's record
// in a persons collection, validated by the vault's field types, matched
// against the people already there, with a provenance reference to the
// job and row it came from and, on the consent basis, a consent ledger
// event that names the job.
//
// # Rows
//
// Files are read by the scanner's readers (source.ReadRows): CSV and TSV
// in UTF-8 with or without a byte order mark, UTF-16 with one, and the
// Windows code pages 1258 (Vietnamese) and 1252, with the delimiter
// detected; XLSX workbooks sheet by sheet. The first non-blank row of a
// file, and of each sheet, is its header. Rows are named "12" (the line of
// a CSV file on which the record starts) or "Sheet1!12".
//
// # Mapping
//
// A Mapping maps headers to fields; ParseMapping reads the command-line
// form `Họ tên=name,SĐT=phone,Email=email` (a header with a comma is
// quoted), ParseMappingLines a mapping file (one Header=field per line,
// so a header may hold commas; # starts a comment), and "-" as a field
// ignores a column. A column without a header is named by its 1-based
// number: `#5=-` ignores the fifth column. Several columns mapped to one
// name, address or text field are joined with a space in column order
// (first and last name into name); several mapped to a field of another
// type (a phone and a mobile column into phone) are alternatives: the
// first non-empty one gives the value, and a row in which two of them
// hold different values is rejected (two_values) rather than losing one.
// The proposal maps a second phone or e-mail column so.
// A table whose header line holds personal data (a file without a header
// line, whose first person would be taken for the column names) is
// refused before the job starts (header_holds_data, CheckHeader), with or
// without a mapping. A header a table has
// twice, mapped to a field, is refused (mapping_header_duplicated): the
// mapping cannot say which column is meant. The first data row is read
// before the job starts, so a mapping that does not fit its table's
// header is refused before anything is stored; a file without a data row
// is refused too (mapping_header_missing with a mapping, else
// no_data_rows), except in a dry run, which reports zero rows. With a
// mapping, a worksheet none of whose headers the mapping names (a price
// list beside the customer sheets) is another table: its rows are left
// out and counted (Counts.OtherTableRows), and keep the source's copy
// from being marked for destruction; a sheet that has some of the
// mapped headers but not all is a mistake and refused as above.
// Day-first dates
// (31/12/1990, 31-12-1990, 31.12.1990) are rewritten as ISO dates for
// date fields. A column neither mapped nor ignored whose value the
// scanner's detectors take for personal data rejects its row.
//
// ProposeMapping proposes a mapping from the header words, with or
// without Vietnamese diacritics and in any case or camelCase, then from
// the detectors' findings in sample rows. Recognised headers:
//
//	email        Email, E-mail, Email Address, Mail, Thư, Thư điện tử
//	phone        Phone, Phone Number, Mobile, Mobile Phone Number,
//	             MobilePhone, HomePhone, Telephone, Tel, Fax, SĐT, ĐT,
//	             Điện thoại, Số điện thoại, Di động
//	name         Name, Full Name, First Name, Last Name, FirstName,
//	             LastName, Given Name, Family Name, Surname, Contact,
//	             Họ tên, Họ và tên, Họ, Tên, Tên khách hàng, Khách hàng
//	             (not Company Name, Account Name, Product Name, User Name)
//	address      Address, Street, Street Address, MailingStreet, Địa chỉ,
//	             Đường, Chỗ ở
//	date         Birth, Birthdate, Birthday, Date of Birth, DOB, Ngày sinh,
//	             Sinh nhật (not a year: "Năm sinh", "Year of birth")
//	national_id  National ID, ID Number, CCCD, CMND, Căn cước, Số định
//	             danh, Chứng minh, SSN, Aadhaar
//
// That covers the contact exports of HubSpot ("First Name", "Last Name",
// "Email", "Phone Number", "Mobile Phone Number", "Street Address") and
// Salesforce ("FirstName", "LastName", "Email", "Phone", "MobilePhone",
// "MailingStreet"); their other columns (city, lifecycle stage...) are
// left unmapped. Columns about someone other than the person (an owner,
// account or company, a sales rep or agent, an assignee, "created by",
// "người phụ trách", a manager, a referrer ("người giới thiệu"), a
// relative ("người thân"), guardian or emergency contact...) are
// proposed as "-" with the reason, never as the
// person's name or contact. A field takes the first matching column,
// except a name field, which takes every name column.
//
// # Duplicates
//
// A row's e-mail, phone and national id values are looked up through the
// collection's blind indexes (fields declared indexed or unique). No
// match creates a new subject; a match with one subject is skipped,
// updated or stops the job (Job.OnDuplicate); a match with two different
// subjects is rejected, never merged, and so is a row that matches a
// subject only through a value people share (a phone) while its own
// unique value (an e-mail address) is new and the subject holds another
// (conflicting_match). Rows are decided one at a time in
// file order, and a row sharing a value with an earlier row still being
// written waits for it, so duplicates inside the file follow the same rule
// as duplicates across files.
//
// # Speed
//
// Rows flow through a pipeline (see run): validation in parallel, the
// duplicate lookups of 512 rows in one read transaction (one query per
// identifying field), and the new people of a batch of up to 4096 rows
// written in one store operation (vault.Service.CreateMany: records,
// subjects and their keys, index entries, provenance and an audit entry
// per record, and on the consent basis their consent grants). Memory holds a few
// chunks of rows and the identifying values of the rows in flight,
// whatever the size of the file.
//
// # Atomicity and resume
//
// A created or updated record and its provenance (job, source, row) are
// written in one transaction, and a job never imports a row twice:
// running a job again with the same ID after a crash, or after its
// context ended, imports only the rows not yet imported (it asks the store
// which of each chunk's rows the job imported before). On the consent
// basis a person's grant is written in the same transaction as their
// record, created or updated. When their latest event for the purpose is
// a withdrawal at or after the evidence's time, older evidence does not
// revive consent: an update of such a person is rejected (no_consent), as
// a PATCH without consent is; a resume records the grants an interruption
// left out, as for jobs of versions that wrote grants after their batch,
// and for the rare person created one by one after a conflict. Skipped rows get no
// provenance row: their values were not imported. A completed job is not
// run again, so a person erased since is not brought back.
//
// A job is stored with its fingerprint (Job.Fingerprint): a SHA-256 of its
// input (Job.InputDigest, the SHA-256 of the file's bytes, which
// FileDigest computes in one streaming read), its mapping, collection,
// purpose, source, legal basis, duplicate policy and consent evidence. A
// job key run again with another fingerprint is refused with
// import_key_reused (pass a new key, or none), so another file or
// other terms are never taken for the stored job (resumed at its row
// count over other data, or answered with its old result).
// Job.DefaultID derives a key from the fingerprint: the same command on
// the same file resumes, a corrected one (another mapping, say) is a new
// job, whose duplicate matching skips the people already imported.
//
// # Lawful basis
//
// A job's legal basis must be the one its purpose is registered with
// (legal_basis_mismatch otherwise), when the store lists the purposes
// (PurposeLister); a purpose it does not list is not checked. On the
// consent basis the batch's consent evidence is required.
//
// # Dry run
//
// A dry run validates and matches every row and writes nothing to the
// vault, the job store or the data map; rejected rows still go to
// Job.OnReject (the command writes its rejects file).
//
// # Data map
//
// With a Trail, the job's source is a data-map system (an existing one, or
// a shadow system the job registers). A job that completes with every data
// row of its file in the vault (created, updated, or imported by an
// earlier run of the job) marks it "migrated, copy to destroy" with a
// clean-up task for its holder. A rejected row, or a row skipped as a
// person already in the vault (whose other values are only in the file),
// withholds the task: Result.CleanupWithheld says why, with the counts. (A
// file without data rows is refused before the job starts; a job of zero
// rows would withhold it too.) Redact writes a copy of the file without its
// personal values.
//
// # Rejects
//
// Rejected rows are returned with a code, a reason that names fields and
// never values, and the row's values masked (the field type's mask, or
// the first and last characters); WriteRejects writes them as CSV.
package importer
