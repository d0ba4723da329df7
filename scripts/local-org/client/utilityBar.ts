// lightning/platformUtilityBarApi on the local org: the screen pop sits in a fixed side panel,
// which is always open; highlighting it marks the panel.
export function getEnclosingUtilityId(): Promise<string | null> {
  return Promise.resolve('local-utility');
}

export function open(): Promise<boolean> {
  return Promise.resolve(true);
}

export function setUtilityHighlighted(_utilityId: string, highlighted: boolean): Promise<boolean> {
  document.getElementById('utility')?.classList.toggle('highlighted', highlighted);
  return Promise.resolve(true);
}
