// lightning/platformUtilityBarApi outside Lightning Experience: the preview page is no utility bar.
export function getEnclosingUtilityId(): Promise<string | null> {
  return Promise.resolve(null);
}
export function open(): Promise<boolean> {
  return Promise.resolve(false);
}
export function setUtilityHighlighted(): Promise<boolean> {
  return Promise.resolve(false);
}
