// Package pii finds text that looks like personal data in what operators
// write (consultations about migrants must stay pseudonymous), so that the
// writer can be warned before sending and the text can be masked.
//
// [Find] returns the spans of five kinds of data, Italian first:
//
//   - tax_code: the 16-character codice fiscale (upper or lower case, with
//     the omocodia letters L M N P Q R S T U V in the digit positions),
//     flagged only when its check character is right; and the 11-digit
//     numeric codice fiscale or partita IVA, flagged only when a context
//     word comes just before it ("C.F.", "CF", "codice fiscale", "cod.
//     fisc.", "P.IVA", "partita IVA") and its check digit is right.
//   - phone: Italian mobile numbers (3xx, 9–10 digits) and landlines (0x,
//     6–11 digits), with or without +39 / 0039, and international numbers
//     written with + and a country code (8–15 digits). Digits may be
//     grouped with spaces, dots, dashes or a slash. Dates (03/12/2025),
//     time ranges (09.00-12.00), numbers ending in a year (0321/2024),
//     thousands (02.123.456) and numbers that follow a protocol, case or
//     amount word (prot., protocollo, pratica, fascicolo, sentenza,
//     ricorso, decreto, ordinanza, R.G., CIG, CUP, €) are not phones.
//   - email: e-mail addresses, letters of any script allowed.
//   - iban: IBANs (upper case), with or without a space every four
//     characters, valid under mod-97. The length is checked against a table
//     of countries (Italy 27); other country codes need 15–34 characters.
//   - document: the tessera sanitaria / TEAM number (20 digits starting
//     80380); the electronic identity card (CIE, 2 letters, 5 digits,
//     2 letters: CA12345AB); the passport and the paper identity card
//     (2 letters, 7 digits: YA1234567), all upper case; and any code of
//     6–12 letters and digits, with at least one digit, that follows a
//     document word (passaporto, carta d'identità, CIE, permesso di
//     soggiorno, PdS, titolo or carta di soggiorno, documento) within 20
//     characters, such as "permesso di soggiorno n. I12345678".
//
// Decisions on ambiguous cases, chosen for few false positives on legal
// prose:
//
//   - The residence permit number (a letter and 8 digits, I12345678) is
//     flagged only through a document word before it: without one it is
//     too much like other codes.
//   - "n°" and "n." alone are not document words ("sentenza n° 1234567",
//     "fattura n. 123456"): they are accepted only after a document word.
//   - The 11-digit numeric code needs a context word before it, as 11
//     digits alone are too often something else.
//   - Landlines must start with 0 and a digit 1–9, so protocol numbers with
//     leading zeros (0012345) and CAP codes (00184, 20121) are not phones;
//     international numbers need a + (00 only for 0039).
//   - IBANs and the CIE, passport and identity card shapes are upper case
//     only, as they are printed; the codice fiscale is taken in any case.
//   - Names and addresses are out of scope: names cannot be told from
//     ordinary words without too many false positives.
//
// Every match is standalone: the character before and after it is not a
// letter or digit (any script), nor a dot, comma, slash or dash joined to
// another digit, so nothing is found inside longer words or numbers. When
// matches overlap the longest (in characters) wins, and on a tie the first.
// Offsets are byte offsets into the string; API clients in JavaScript should
// use Text, or run the widgets' detector, rather than index with them.
//
// [Mask] replaces matches with placeholders such as "[codice fiscale]" or,
// in English, "[tax code]"; [Label] gives the name of a kind.
//
// The widgets carry the same detector in TypeScript (widgets/src/pii.ts,
// offsets in UTF-16 code units). Both run the shared test vectors in
// testdata/cases.json, and a test runs the TypeScript version under Node to
// prove that the two agree; change them together.
package pii
