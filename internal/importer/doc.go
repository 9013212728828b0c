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
// form `Họ tên=name,SĐT=phone,Email=email`, and "-" as a field ignores a
// column. Several columns mapped to one field are joined with a space in
// column order (first and last name into name). Day-first dates
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
//	             Sinh nhật, Năm sinh
//	national_id  National ID, ID Number, CCCD, CMND, Căn cước, Số định
//	             danh, Chứng minh, SSN, Aadhaar
//
// That covers the contact exports of HubSpot ("First Name", "Last Name",
// "Email", "Phone Number", "Mobile Phone Number", "Street Address") and
// Salesforce ("FirstName", "LastName", "Email", "Phone", "MobilePhone",
// "MailingStreet"); their other columns (city, company, owner, lifecycle
// stage...) are left unmapped. A field takes the first matching column,
// except a name field, which takes every name column.
//
// # Duplicates
//
// A row's e-mail, phone and national id values are looked up through the
// collection's blind indexes (fields declared indexed or unique). No
// match creates a new subject; a match with one subject is skipped,
// updated or stops the job (Job.OnDuplicate); a match with two different
// subjects is rejected, never merged. Rows are decided one at a time in
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
// per record), with their consent grants in another. Memory holds a few
// chunks of rows and the identifying values of the rows in flight,
// whatever the size of the file.
//
// # Atomicity and resume
//
// A created or updated record and its provenance (job, source, row) are
// written in one transaction, and a job never imports a row twice:
// running a job again with the same ID after a crash, or after its
// context ended, imports only the rows not yet imported (it asks the store
// which of each chunk's rows the job imported before). The consent events
// of the people a batch created or updated are written just after it; if
// the ledger refuses them the job stops as failed, and a resume records
// the events an interruption or a failure left out. Skipped rows get no
// provenance row: their values were not imported. A completed job is not
// run again, so a person erased since is not brought back.
//
// # Data map
//
// With a Trail, the job's source is a data-map system (an existing one, or
// a shadow system the job registers), and a job that completes without a
// rejected row marks it "migrated, copy to destroy" with a clean-up task
// for its holder. Redact writes a copy of the file without its personal
// values.
//
// # Rejects
//
// Rejected rows are returned with a code, a reason that names fields and
// never values, and the row's values masked (the field type's mask, or
// the first and last characters); WriteRejects writes them as CSV.
package importer
