/**
 * Why a notification was sent, in English for the API's `why` (the web app shows it as given);
 * emails word it in the recipient agency's language (`describeWhy` with its locale).
 */
export { describeWhy as describeRule, humanDuration, type RuleLike } from '#notifications';
