// The editor (CodeMirror) is not part of the first screen: CollabText shows a plain field
// until it has loaded. What the rest imports from here must not import CodeMirror.
export type { CollabTextHandle, CollabTextProps } from './collab-text.js';
export { CollabText, loadEditor } from './deferred-text.js';
export { colorsForKey, colorsForRole, colorsForUser, contrastRatio, isHexColor, ROLE_COLORS, type UserColors } from './user-colors.js';
