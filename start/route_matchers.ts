/*
|--------------------------------------------------------------------------
| Route parameter matchers
|--------------------------------------------------------------------------
|
| A row id in a URL is digits only and fits PostgreSQL's `integer` (at most
| 2147483647). Anything else matches no route, so the answer is a plain 404:
| an out-of-range id never reaches a query (where PostgreSQL would refuse it
| and the page would be a 500).
*/

export const MAX_ROW_ID = 2_147_483_647

/**
 * Digits only, no leading zero, at most MAX_ROW_ID: 1 to 9 digits, or 10
 * digits not above 2147483647, written out place by place.
 */
const ROW_ID =
  /^(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])$/

export const rowId = {
  match: ROW_ID,
  cast: (value: string) => Number(value),
}
