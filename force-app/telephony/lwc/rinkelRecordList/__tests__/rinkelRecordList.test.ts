import { createElement } from 'lwc';
import RinkelRecordList from 'c/rinkelRecordList';
import { OPEN_EVENT, type ListedRecord } from '../rinkelRecordList';

jest.mock('@salesforce/label/c.Rinkel_Record_Open', () => ({ default: 'Open {0}' }), {
  virtual: true
});

type ListElement = HTMLElement & { records: ListedRecord[]; label: string };

function mount(records: ListedRecord[], label = 'Records with this number'): ListElement {
  const element = createElement('c-rinkel-record-list', { is: RinkelRecordList }) as ListElement;
  element.records = records;
  element.label = label;
  document.body.appendChild(element);
  return element;
}

const buttons = (element: HTMLElement) =>
  Array.from(element.shadowRoot!.querySelectorAll<HTMLButtonElement>('button.record-open'));
const text = (node: Element) => (node.textContent ?? '').replace(/\s+/g, ' ').trim();

afterEach(() => {
  while (document.body.firstChild) {
    document.body.removeChild(document.body.firstChild);
  }
});

describe('c-rinkel-record-list', () => {
  it('lists each record as a button named by the record, in a list named for assistive tech', () => {
    const element = mount([
      { recordId: 'a01000000000001AAA', name: 'WO-1001' },
      { recordId: 'a01000000000002AAA', name: 'WO-1002' }
    ]);

    const list = element.shadowRoot!.querySelector('ul');
    expect(list?.getAttribute('aria-label')).toBe('Records with this number');
    expect(list?.querySelectorAll('li')).toHaveLength(2);
    expect(buttons(element).map(text)).toEqual(['WO-1001', 'WO-1002']);
    // The tooltip names what opens (the name may be cut off with an ellipsis).
    expect(buttons(element).map((b) => b.title)).toEqual(['Open WO-1001', 'Open WO-1002']);
  });

  it('says which record the agent chose, once per click', () => {
    const element = mount([
      { recordId: 'a01000000000001AAA', name: 'WO-1001' },
      { recordId: 'a01000000000002AAA', name: 'WO-1002' }
    ]);
    const opened: string[] = [];
    element.addEventListener(OPEN_EVENT, (event) =>
      opened.push((event as CustomEvent<{ recordId: string }>).detail.recordId)
    );

    buttons(element)[1]!.click();

    expect(opened).toEqual(['a01000000000002AAA']);
  });

  it('shows a record without a name by its id, and skips entries without an id', () => {
    const element = mount([
      { recordId: 'a01000000000003AAA', name: null },
      { recordId: '', name: 'ghost' }
    ]);

    expect(buttons(element).map(text)).toEqual(['a01000000000003AAA']);
  });

  it('renders no list at all when there is nothing to open', () => {
    const element = mount([]);

    expect(element.shadowRoot!.querySelector('ul')).toBeNull();
  });

  it('follows new records from its parent', async () => {
    const element = mount([{ recordId: 'a01000000000001AAA', name: 'WO-1001' }]);

    element.records = [{ recordId: 'a01000000000007AAA', name: 'WO-7' }];
    await Promise.resolve();

    expect(buttons(element).map(text)).toEqual(['WO-7']);
  });
});
