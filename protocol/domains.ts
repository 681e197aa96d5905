// One byte at the front of every MAC input says what the MAC is for, so that no MAC of one
// kind can ever be accepted as another (SPEC.md "Domain separation").
export const DOMAIN_DEVICE_KEY = 0x4b; // 'K' key derivation from a master key
export const DOMAIN_DISPLAY_CODE = 0x44; // 'D'
export const DOMAIN_FRAME = 0x46; // 'F' advertisement and NFC frames
export const DOMAIN_CHALLENGE = 0x43; // 'C'
export const DOMAIN_TIME_SYNC = 0x54; // 'T'
export const DOMAIN_JOURNAL = 0x4a; // 'J'
export const DOMAIN_KEYED_READ = 0x52; // 'R' a key holder's STATUS or JOURNAL request to a locked device
export const DOMAIN_ZONE = 0x5a; // 'Z' local time zone setting

export const PROTOCOL_VERSION = 1;
