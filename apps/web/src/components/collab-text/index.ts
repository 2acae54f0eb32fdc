export { CollabText, type CollabTextHandle, type CollabTextProps } from './collab-text.js';
export { CURSOR_FIELD } from './cursor-awareness.js';
export { maxLengthFilter } from './max-length.js';
export { singleLineFilter, toSingleLine } from './single-line.js';
export { colorsForKey, colorsForRole, colorsForUser, contrastRatio, isHexColor, ROLE_COLORS, type UserColors } from './user-colors.js';
