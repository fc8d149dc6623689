import { EMPTY_NAME, Name, check } from "proton-tsc"

/** Microseconds in one hour: the divisor for worker and dispatcher pay. */
export const MICROSECONDS_PER_HOUR: u64 = 3_600_000_000
/** Byte-seconds in one GiB-hour (2^30 bytes × 3600 s): the divisor for storage pay. */
export const BYTE_SECONDS_PER_GIB_HOUR: u64 = 3_865_470_566_400

/** Contribution roles, as stored in records and used by `recordbatch`. */
export const ROLE_WORKER: u8 = 0
export const ROLE_DISPATCHER: u8 = 1
export const ROLE_STORAGE: u8 = 2

/** Memo prefix of a funding transfer: `fund:<protocol>`. */
export const FUND_MEMO_PREFIX = "fund:"

/**
 * Protocol names are Antelope names without dots (so a protocol can never be
 * confused with a suffixed account name) and are not empty.
 */
export function checkProtocolName(protocol: Name): void {
    check(protocol != EMPTY_NAME, "protocol name must not be empty")
    check(protocol.toString().indexOf(".") < 0, "protocol name must not contain dots")
}

/**
 * Parses a string as an Antelope name, strictly: 1-12 characters of a-z, 1-5 and
 * dots, not ending in a dot. Returns EMPTY_NAME when the string is not such a name.
 */
export function parseName(text: string): Name {
    if (text.length < 1 || text.length > 12) return EMPTY_NAME
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        const ok = (c >= 97 && c <= 122) || (c >= 49 && c <= 53) || c == 46
        if (!ok) return EMPTY_NAME
    }
    if (text.charCodeAt(text.length - 1) == 46) return EMPTY_NAME
    const n = Name.fromString(text)
    if (n.toString() != text) return EMPTY_NAME
    return n
}

/** Adds two u64 values, failing on overflow with a message naming what was added. */
export function addChecked(a: u64, b: u64, what: string): u64 {
    const sum = a + b
    check(sum >= a, what + " overflows uint64")
    return sum
}
