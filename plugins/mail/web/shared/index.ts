export { FolderTree, MailShell, leafName, mailboxIcon, sortMailboxes, type MailShellProps } from './mail-shell.tsx';
export { mailAssetUrl, mailStaticRoutes } from './mail-static.ts';
export { ownMailbox, ownMailboxes, uiMeta } from './mail-access.ts';
export { sanitizeMailHtml, textToHtml, BLOCKED_IMAGE_SRC } from './sanitize-mail-html.ts';
export { Icon, type IconName } from './icons.tsx';
