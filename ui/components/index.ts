export { Button, type ButtonProps, type ButtonVariant } from './button.tsx';
export { Card, type CardProps } from './card.tsx';
export { CsrfField } from './csrf-field.tsx';
export { Flash, MaybeFlash, type FlashKind, type FlashMessage } from './flash.tsx';
export { FormField, type FormFieldProps } from './form-field.tsx';
export { DriveFilePicker, type DriveFilePickerProps, type DrivePickerItem } from './drive-file-picker.tsx';
