/**
 * JSONata 2.x's built-in functions (the ones `jsonata` 2.2 binds, `$now` and `$millis` included), as
 * expression completion offers them: the signature as JSONata's documentation writes it (optional
 * arguments in brackets) and what the function does in one line. A unit test checks the list against
 * the installed jsonata, so an upgrade that adds a function fails until it is described here.
 */
export interface JsonataFunction {
  name: string;
  signature: string;
  description: string;
}

const FUNCTIONS: Array<[name: string, args: string, description: string]> = [
  // Strings
  ['string', 'arg[, prettify]', 'the value as a string (objects and arrays as JSON)'],
  ['length', 'str', 'the number of characters in a string'],
  ['substring', 'str, start[, length]', 'part of a string from start (0-based; negative counts from the end)'],
  ['substringBefore', 'str, chars', 'the part of a string before the first occurrence of chars'],
  ['substringAfter', 'str, chars', 'the part of a string after the first occurrence of chars'],
  ['uppercase', 'str', 'the string in upper case'],
  ['lowercase', 'str', 'the string in lower case'],
  ['trim', 'str', 'the string without leading and trailing spaces, inner runs of spaces made one'],
  ['pad', 'str, width[, char]', 'the string padded to width with char (negative width pads on the left)'],
  ['contains', 'str, pattern', 'true when the string contains the text or matches the regex'],
  ['split', 'str, separator[, limit]', 'the string cut into an array at a text or regex separator'],
  ['join', 'array[, separator]', 'the strings of an array joined into one, with an optional separator'],
  ['match', 'str, pattern[, limit]', 'the regex matches in a string, with their index and groups'],
  ['replace', 'str, pattern, replacement[, limit]', 'the string with a text or regex replaced'],
  ['base64encode', 'str', 'the string encoded as base64'],
  ['base64decode', 'str', 'the text of a base64 string'],
  ['encodeUrlComponent', 'str', 'the string escaped for a URL component (query value, path segment)'],
  ['encodeUrl', 'str', 'the string escaped as a whole URL'],
  ['decodeUrlComponent', 'str', 'a URL component with its escapes decoded'],
  ['decodeUrl', 'str', 'a URL with its escapes decoded'],
  ['eval', 'expr[, context]', 'evaluates a string as a JSONata expression'],
  // Numbers
  ['number', 'arg', 'the value as a number (numeric strings and booleans)'],
  ['abs', 'number', 'the absolute value of a number'],
  ['floor', 'number', 'the number rounded down to an integer'],
  ['ceil', 'number', 'the number rounded up to an integer'],
  ['round', 'number[, precision]', 'the number rounded to precision decimals (half to even)'],
  ['power', 'base, exponent', 'base raised to the power of exponent'],
  ['sqrt', 'number', 'the square root of a number'],
  ['random', '', 'a random number from 0 (included) to 1 (excluded)'],
  ['formatNumber', 'number, picture[, options]', 'the number as text after a picture such as "#,##0.00"'],
  ['formatBase', 'number[, radix]', 'the number as text in another base (2 to 36)'],
  ['formatInteger', 'number, picture', 'the integer as text after a picture ("w" for words, "I" for roman)'],
  ['parseInteger', 'string, picture', 'the integer a string written after a picture stands for'],
  // Aggregation
  ['sum', 'array', 'the sum of an array of numbers'],
  ['max', 'array', 'the largest number of an array'],
  ['min', 'array', 'the smallest number of an array'],
  ['average', 'array', 'the mean of an array of numbers'],
  // Booleans
  ['boolean', 'arg', 'the value as true or false (empty strings, arrays, objects and 0 are false)'],
  ['not', 'arg', 'the boolean opposite of the value'],
  ['exists', 'arg', 'true when the expression has a value (a missing field has none)'],
  // Arrays
  ['count', 'array', 'the number of items in an array'],
  ['append', 'array1, array2', 'the two arrays (or values) joined into one array'],
  ['sort', 'array[, function]', 'the array sorted, by an optional ($a, $b) comparison returning true to swap'],
  ['reverse', 'array', 'the array in reverse order'],
  ['shuffle', 'array', 'the array in a random order'],
  ['distinct', 'array', 'the array without repeated values'],
  ['zip', 'array1, ...', 'arrays merged item by item into an array of arrays'],
  // Objects
  ['keys', 'object', 'the keys of an object (of every object in an array)'],
  ['lookup', 'object, key', 'the value of a key in an object'],
  ['spread', 'object', 'an object split into an array of one-key objects'],
  ['merge', 'array', 'an array of objects merged into one object'],
  ['sift', 'object, function', 'the key/value pairs for which function($v, $k) is true'],
  ['each', 'object, function', 'function($v, $k) applied to each key/value pair, as an array'],
  ['error', '[message]', 'stops the evaluation with an error message'],
  ['assert', 'condition[, message]', 'stops the evaluation with the message when the condition is false'],
  ['type', 'value', 'the type of a value: "string", "number", "boolean", "null", "array", "object" or "function"'],
  // Higher-order
  ['map', 'array, function', 'function($v, $i, $a) applied to each item, as a new array'],
  ['filter', 'array, function', 'the items for which function($v, $i, $a) is true'],
  ['single', 'array[, function]', 'the one item that matches (an error when none or several do)'],
  ['reduce', 'array, function[, init]', 'the array folded into one value by function($acc, $v)'],
  // Dates and times
  ['now', '[picture[, timezone]]', 'the time the evaluation started, as an ISO 8601 string'],
  ['millis', '', 'the time the evaluation started, in milliseconds since the Unix epoch'],
  ['fromMillis', 'number[, picture[, timezone]]', 'milliseconds since the epoch as an ISO 8601 (or pictured) date'],
  ['toMillis', 'timestamp[, picture]', 'an ISO 8601 (or pictured) date as milliseconds since the epoch'],
  // Other
  ['clone', 'object', 'a deep copy of an object or array'],
];

export const JSONATA_FUNCTIONS: readonly JsonataFunction[] = FUNCTIONS.map(([name, args, description]) => ({ name: `$${name}`, signature: `$${name}(${args})`, description }));
