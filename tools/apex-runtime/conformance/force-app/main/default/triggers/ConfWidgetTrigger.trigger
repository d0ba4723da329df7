trigger ConfWidgetTrigger on Conf_Widget__c(
  before insert,
  after insert,
  before update,
  after update,
  before delete,
  after delete,
  after undelete
) {
  ConfTriggerLog.record(Trigger.operationType, Trigger.size);
  if (Trigger.isBefore && (Trigger.isInsert || Trigger.isUpdate)) {
    for (Conf_Widget__c w : Trigger.new) {
      if (w.Name == 'throw') {
        throw new IllegalArgumentException('thrown by trigger');
      }
      if (w.Name == 'reject') {
        w.addError('rejected by trigger');
      }
      w.Log__c = (w.Log__c == null ? '' : w.Log__c) + 'B';
      if (Trigger.isUpdate) {
        Conf_Widget__c old = Trigger.oldMap.get(w.Id);
        if (old.Count__c != w.Count__c) {
          w.Log__c += 'C';
        }
      }
    }
  }
  if (Trigger.isAfter && Trigger.isInsert) {
    ConfTriggerLog.afterInsertIds.addAll(Trigger.newMap.keySet());
    ConfTriggerLog.afterInsertReadOnly = true;
    try {
      Trigger.new[0].Log__c = 'changed';
      ConfTriggerLog.afterInsertReadOnly = false;
    } catch (FinalException e) {
      ConfTriggerLog.afterInsertReadOnly = true;
    }
  }
  if (Trigger.isDelete) {
    ConfTriggerLog.newWasNullOnDelete = Trigger.new == null;
    ConfTriggerLog.oldSizeOnDelete = Trigger.old.size();
  }
}
