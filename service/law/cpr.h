#ifndef FREMDRIFT_CPR_H
#define FREMDRIFT_CPR_H

/*
 * Danish CPR numbers (personnummer): syntax, birth date and masking.
 * Pure functions: no allocation, no I/O, no global state, thread-safe.
 * They only return codes and never copy the input into a message, so a
 * caller cannot leak a CPR number through an error text built from them.
 */

/*
 * Accepts exactly "DDMMYYSSSS" or "DDMMYY-SSSS" (ASCII digits, nothing
 * around them) and writes the 10 digits + NUL to out.
 * Returns 0, or -1 for anything else (out is then the empty string, so no
 * partial number is left behind).
 */
int cpr_normalise(const char *in, char out[11]);

/*
 * Birth date of a normalised CPR number by the century rule of the 7th
 * digit. Returns 0 and sets *year, *month, *day if that is a real
 * Gregorian date; -1 (outputs untouched) otherwise, or if cpr10 is not
 * exactly 10 digits.
 */
int cpr_birth_date(const char cpr10[11], int *year, int *month, int *day);

/*
 * cpr_normalise plus a real birth date. No modulus-11 check: numbers
 * issued since 2007 need not pass it. Returns 0, or -1 (out empty).
 */
int cpr_validate(const char *in, char out[11]);

/*
 * Writes "DDMMYY-XXXX" to out. If cpr10 does not start with six digits
 * the whole value is masked ("XXXXXX-XXXX").
 */
void cpr_mask(const char cpr10[11], char out[12]);

#endif
