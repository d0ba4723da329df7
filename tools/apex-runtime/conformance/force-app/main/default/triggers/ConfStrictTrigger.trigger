trigger ConfStrictTrigger on Conf_Strict__e(after insert) {
  insert new Conf_Log__c(Text__c = 'strict');
}
