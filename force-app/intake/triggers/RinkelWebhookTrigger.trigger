trigger RinkelWebhookTrigger on Rinkel_Webhook__e(after insert) {
  new RinkelWebhookSubscriber().handle(Trigger.new);
}
