<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="cy_GB" sourcelanguage="en_GB">
    <context>
        <name>spokeapp.crypto.device_keys</name>
        <message>
            <source>This laptop's signing key is damaged. Ask your hub administrator to enrol it again; nothing has been sent.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.crypto.keyfile</name>
        <message>
            <source>That is not a recovery key: it should be 32 letters and digits in groups of four.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged: the wrapped key has the wrong length.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That passphrase does not open this casebook.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged or is not a Spoke key file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file was written by a newer version of Spoke; update Spoke to open it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged: 'kdf' is missing or unknown.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged: 'kdf' parameters are out of range.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged: '{where}' is missing.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That recovery key does not open this casebook.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged: 'kdf' parameters are unreadable.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The casebook's key file is missing.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The casebook's key file cannot be read.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The casebook's key file is damaged and cannot be read. Nothing has been changed: restore the key file from a backup, or ask your hub administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged: '{where}' is not valid base64.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The key file is damaged: '{where}' has the wrong length.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.areas</name>
        <message>
            <source>Not known</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be at most {limit} characters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>"{not_known}" is always offered already</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>"{district}" is not a postcode district (e.g. EX1 or SW1A)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.conflicts</name>
        <message>
            <source>Use the laptop's closure ({fields} together)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the laptop's decision ({fields} together)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the laptop's debrief ({fields} together)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the laptop's details ({fields} together)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the laptop's value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the laptop's values ({fields} together)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{first} and {last}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.lone_working</name>
        <message>
            <source>Checked in: safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit ended</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>may contain a young person's name; use the case reference instead</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Extended by {minutes} minutes</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.records.casework</name>
        <message>
            <source>Not decided</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accepted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Declined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting list</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not decided yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accept: open a case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decline (say why)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outcomes met</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young person chose to end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Non-engagement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not contactable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Moved away</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Transferred</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Aged out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Other</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Chose to end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not engaging</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The work we agreed has been done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The young person chose to end it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They stopped taking part</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They could not be contacted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They moved away</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Transferred to another service</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Too old for the service now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Another reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>At lower risk than at the start</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>At the same risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>At higher risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not comparable with the start</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lower: their risk is lower now than at the start.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The same: their risk is at the same level as at the start.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Higher: their risk is higher now than at the start.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incomplete data: there is no initial and closing assessment made with the same version of the risk tool to compare.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lower</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Same</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Higher</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not comparable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Police</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Social care</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Education</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Health</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Youth justice</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Voluntary sector</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Voluntary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Bangladeshi</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Chinese</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Indian</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pakistani</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any other Asian background</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>African</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Caribbean</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any other Black, Black British or Caribbean background</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>White and Asian</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>White and Black African</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>White and Black Caribbean</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any other Mixed or Multiple ethnic background</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>English, Welsh, Scottish, Northern Irish or British</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Irish</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Gypsy or Irish Traveller</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Roma</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any other White background</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Arab</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any other ethnic group</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Prefer not to say</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Prefer to self-describe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>text message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>phone call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>in person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>through a named professional</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>police</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>children's social care</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>school</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>health</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>verbal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>written form</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>other</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A parent or carer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>safeguarding a child at risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>prevention or detection of crime</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>legal obligation or court order</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>vital interests (a life at risk)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>subject access (their own right to their file)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>handover within the service</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asian, Asian British or Asian Welsh</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Black, Black British, Black Welsh, Caribbean or African</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mixed or Multiple ethnic groups</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>White</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Other ethnic group</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be digits, spaces and + only, with 7 to 15 digits</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be at most {most}: record a bigger event as its separate sessions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>explain why your professional judgement differs from the score</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>say why sharing without consent is needed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be 2-20 letters, digits or dashes (e.g. YP-0007)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must not be blank; leave it empty instead</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>names a way of contact twice</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is given with who corrected the details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required for a one-to-one session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be 1 or more</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>answer each indicator only once</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>each answer must be 0 (no), 1 (some concern) or 2 (significant)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>every answer needs an indicator id</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be 0 or more</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be at least 1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must give each profession only once</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot be a negative number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>an amendment cannot amend itself</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not a known record kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required: who gave consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required when consent was recorded another way</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot be this record itself</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be more than 0 bytes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be the file's SHA-256: 64 lowercase hexadecimal digits</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must not be blank; leave it empty</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required when they prefer to self-describe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is only given when they prefer to self-describe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required when contact is through them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is only given when contact is through a professional</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>each number needs whose phone it is and its safe times</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is only given when the referral is declined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be empty while the decision is pending</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required once a decision is made</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required when the case is closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be empty while the case is open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be more than 0 unless the session was missed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>an overridden level must be signed off by a supervisor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>say why there is no closing risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be incomplete without a closing risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be at least 1: type how many came from each profession</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>only finalised events are amended; edit this record instead</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required for a parent or carer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is only given for a parent or carer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be empty: nothing is shared once it is withdrawn</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not set when consent is withdrawn</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required: which consent is withdrawn</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required: what was explained to them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be chosen: when consent is due for review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a file name only, without a folder or control characters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required when it is attached to a record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required unless it is attached to a referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>may list at most {count}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot be before the referral was received</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot be before the case was opened</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be between 0 and {most}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is the same as the scored level; leave it empty</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>only given when sign-off is needed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be after the day consent was given</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be one of: {choices}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot be this attachment itself</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required: the record it is attached to</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be one of {choices}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.records.checks</name>
        <message>
            <source>is required</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must include a time zone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must not be blank; leave it empty instead</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is too long to send to the hub: {length} characters, the most is {most}. Split it: finalise this part and add the rest as an amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>makes a record too large to send to the hub ({bytes} bytes)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be at most {limit} characters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{ask} (at least {minimum} characters)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be between the years {earliest} and {latest}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.records.fields</name>
        <message>
            <source>must be text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a whole number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be true or false</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a date and time (ISO 8601)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a date (YYYY-MM-DD)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be an object of names to whole numbers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a list</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be an object of field values</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be one of {choices}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not a field of {kind}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.records.lone_working</name>
        <message>
            <source>say what happened and what was done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>say when it took place, how it went and any follow-up</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>looks like a postcode but is not a valid UK postcode (e.g. SW1A 1AA); check it or describe the place</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be the case's pseudonymous reference (e.g. YP-0007), never a name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a mobile number, e.g. 07700 900123 or +44 7700 900123</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a phone number, e.g. 07700 900456 or +44 20 7946 0018</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>name at least one recipient</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required for a reminder or overdue alert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required for a panic or duress alert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>an all-clear names either the deadline or the cause</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>each must be pending, retrying, sent or failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required once the debrief is done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be between {least} and {most} minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be after the start</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>say by how many minutes to extend</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is only given when extending a visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>each must be a role name such as buddy or on_call_manager</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must have one entry per channel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be empty until the debrief is done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be at most {hours} hours after the start; plan a new visit instead</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.records.registry</name>
        <message>
            <source>is not a known record kind</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.records.supervision</name>
        <message>
            <source>say why it is returned and what to do</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>give both the record and its kind, or neither</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a comment cannot be about itself</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>only session notes and risk assessments are reviewed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>only closures, risk assessments and the kinds your hub asks approval for are signed off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a request cannot be about itself</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not a kind a hub can ask approval for</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>every action needs an owner and a due date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>an action cannot be due before the supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not a known record kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must not hold an empty entry</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>each entry must be at most {limit} characters</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.reports</name>
        <message>
            <source>Referrals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young people supported one-to-one</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group work, talks and sessions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Work with professionals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cases closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Caseload per worker (guide: {low}-{high} each)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young people supported per worker (share: of expected)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone working</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cases by local authority area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not known or not recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>All areas</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cases open in period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New cases</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open from before</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed at lower risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed, risk not lower</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not closed in period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The whole service</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>One worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referrals received</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young people supported (each counted once)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New cases opened (a re-referral is a new case)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contacts held (sessions, calls, messages)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group sessions and talks held</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young people reached</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Professionals reached (trained + awareness)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Professionals trained</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Professionals at awareness sessions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consultancies</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Professionals consulted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not at lower risk (same, higher, not comparable)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open cases at the end of the period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Expected a worker a year (evaluation)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Expected a worker this period (pro rata)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone-working visits</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-ins made</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visits escalated by the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alarms raised</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accepted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Declined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting for a decision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cases closed (signed off)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed, awaiting sign-off (not counted above)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>All workers together</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{area}: {column}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team {team}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>People new in the period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>People continuing from before</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>On time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Late</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Trained: {profession}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Awareness: {profession}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not at lower risk: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be worker:&lt;user id&gt;, team:&lt;team name&gt; or hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unnamed worker {number}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.reviews</name>
        <message>
            <source>reviews must be every {least} to {most} weeks</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.risk_tool</name>
        <message>
            <source>each answer must be 0, 1 or 2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>was not made with tool '{tool}' version {version}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>include an indicator not in tool '{tool}' version {version}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>does not match the answers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>does not match the score</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not a level of tool '{tool}' version {version}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.roles</name>
        <message>
            <source>Worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Administrator</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.domain.subject_file</name>
        <message>
            <source>The hub keeps the latest content of each record and a list of every change it accepted (when, by whom, from which device); earlier content of an edited record is kept on the laptop that wrote it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Made from one laptop's casebook: versions are those written or received on this laptop, and the audit is this laptop's own.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attached documents are listed (title, date, file name, size and SHA-256 fingerprint) but their contents are not in this file: review each document and give a copy separately where it may be released.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.areas</name>
        <message>
            <source>Choose the area…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only the first half of the postcode (e.g. EX1), to suggest the area. It is not kept.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From your hub's list (as at the last sync). Not known if you cannot tell.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No list of areas on this laptop yet: it comes from your hub when the laptop syncs. Choose Not known for now; the area can be set on the case later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your hub lists no areas yet (your hub administrator adds them). Choose Not known for now; the area can be set on the case later.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.attachments</name>
        <message>
            <source>PDF</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Word document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spreadsheet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Presentation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Email</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Zip archive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Image</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>File</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Missed session on {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session on {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case as a whole</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Documents: this referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Added by {name} on {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open a copy outside Spoke?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Open a copy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open a copy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safeguarding concern on {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referral received {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Documents: referral for {reference}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Documents of the referral for {reference}, received {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A safeguarding concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{title} (version {n} of {total})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{kind}, {size}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>It comes to this laptop with the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Added by {name}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Documents of the referral received {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{kind}, {size}; not downloaded yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{title} ({file_name}, {file}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Belongs to: {what}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{added}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To open “{name}” in another program, Spoke puts a copy of it outside the encrypted casebook while it is open.

When you have finished with it, press “Close the copy” here and Spoke will delete it (it also does so when it locks or when you quit). Changes made to the copy are not kept in Spoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{version}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note: {note}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Version {n}: {added}, {file_name} ({size})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not downloaded yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Version {n} of {total}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.audit</name>
        <message>
            <source>FLAGGED</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Detail</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Opened the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wrote a record (sent to the hub)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shared information</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop sent its changes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Produced a report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Read the team's figures</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop enrolled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolment code made</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop revoked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop retired</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop told to wipe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lost-laptop report made</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Replaced sign-in came back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Person added</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case given to another worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record sent for sign-off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Read the audit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Exported the audit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>an hour</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} minute</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} account</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} accounts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Everything on the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>held at its last sync</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>left the person's cases after the last sync: STILL ON THE LAPTOP</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>removal sent before its last sync: gone if that sync finished</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case opened</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record written and sent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Information shared</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reports and team figures</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptops: enrolled, revoked, wiped…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Audit read or exported</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} hour</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} hours</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's audit answer could not be read.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>case not named on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a laptop not on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{flagged}: {accounts} viewed {most} cases within {window}: {who}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's list of laptops could not be read.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>LAST CONTACT</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not requested (revoke the laptop with wipe: spoke-hub device revoke)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ENCRYPTION</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>REVOCATION AND WIPE</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From is after To: nothing could match. Swap the days.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's audit answer has a time that could not be read.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{flagged}: {action}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>more than {n}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team {team}: its cases, people and laptops only.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's device report could not be read; this version of Spoke may be older than the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field}: write the day as YYYY-MM-DD, e.g. 2026-03-02.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's audit answer could not be read (missing {key}); this version of Spoke may be older than the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>about {about}; {detail}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>about {about}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{name} ({cases}, {first} to {last})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} cases</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{status}, wipe requested</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop: {name}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolled: {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>YOUNG PEOPLE'S RECORDS ON IT: {cases} case(s), {records} record(s) with no case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NOT CONFIRMED: it may have been told on a pull, which the hub does not record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NOT YET DELIVERED: the laptop has not contacted the hub since</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field}: there is no such day ({text}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Person: {person} ({role}, team {team})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Person: {person} ({role})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last contact with the hub: {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last sync: {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could have received what the hub held up to: {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{state}, removal sent {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DELIVERED: the laptop was told to erase its casebook at {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wipe requested: {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wipe: {effect}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>never</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nothing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{reference}  {name}  — {records} record(s), {state}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status: {status}; revoked: yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status: {status}; revoked: no</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(no reference on the hub)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(no name on the hub)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.board</name>
        <message>
            <source>State</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mobile</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Expected end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next check-in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alerts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the buddy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the on-call manager</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the manager (999 welfare-call decision)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>everyone on the list</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the worker (reminder)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>everyone alerted (all clear)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mon</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Thu</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Fri</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sun</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Jan</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Feb</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mar</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Apr</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>May</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Jun</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Jul</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Aug</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sep</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Oct</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nov</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dec</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>SMS</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Email</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Webhook</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the email server is not answering</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the email server refused it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the email server failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the email server refused the hub's login</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no answer in time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>could not connect</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub has no signing secret for it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>email is not set up on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>SMS is not set up on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the webhook was removed from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub could not read the alert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DURESS check-in: the worker entered the duress PIN (silent alarm)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DURESS check-in by text message: the worker entered the duress PIN (silent alarm)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DURESS check-in by phone: the worker entered the duress PIN (silent alarm)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checked in and extended the visit by {minutes} min</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checked in by text message and extended the visit by {minutes} min</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checked in by phone and extended the visit by {minutes} min</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checked in safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checked in safe by text message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checked in safe by phone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ended the visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ended the visit by text message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ended the visit by phone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home safe by text message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home safe by phone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alarm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolved by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How long ago</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} day ago</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} days ago</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A panic or duress alarm that nobody has resolved yet. Act now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Overdue: alerts sent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The worker missed a check-in and the hub has alerted people.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Overdue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The worker missed a check-in; the hub is in its grace period.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NOT ARMED</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub has not acknowledged this plan: nobody is watching it yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A check-in is due within the next few minutes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Armed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub is watching this visit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ended</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The visit has ended.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Acknowledged</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown failure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the alarm receiver</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the worker (check-in reminder)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>just now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debrief with {worker} after the alarm at {time} on the visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debrief with {worker} after the alarm on the visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{weekday} {day} {month}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day} {time}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{hours} h</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit ended</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{when} ({relative})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} sent earlier</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the {role}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Worker's mobile</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Buddy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A visit not held on this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not known</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{sentence}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} alarm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} alarms</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} overdue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{minutes} min</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{hours} h {minutes} min</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{waiting} to acknowledge</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the receiver answered with error {code}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{channel} to {whom}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub raised an alert for {whom}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Vehicle</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Marked high risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Known risks</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{duration} ago</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debrief overdue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{sentence} to {place} ({case})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{sentence}, resolved by {who} {ago}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ended {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>in {duration}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{waiting} to acknowledge - {unreached} NOT DELIVERED</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{what}: delivered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} try</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} tries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>missed check-in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>panic alarm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DURESS</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>check-in due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>all clear</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{whom} ({why})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub alerted {whom}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit planned until {time}, check-ins every {interval}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DURESS alarm raised (silent)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{who} acknowledged the alert to {whom}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{who} acknowledged an alert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{alarms}, {overdue}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{what}: being sent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{whom}: NEVER SENT - the hub has no contact or notifier for them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub had NOBODY to alert for {whom}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PANIC alarm raised</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{who} resolved it: {note}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolved {ago}; debrief overdue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolved {ago}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{what}: FAILED ({reason}; {tries}), trying again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{what}: FAILED ({reason}), gave up after {n} try</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{what}: FAILED ({reason}), gave up after {n} tries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub could NOT reach {whom}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub is alerting {whom}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debrief with the worker by {day}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PANIC alarm raised: {note}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.caseload</name>
        <message>
            <source>Not assessed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No contact yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next review due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Initial assessment needed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} case that is not shown matches: choose All cases in Show to see it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} cases that are not shown match: choose All cases in Show to see them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} case is not shown: choose All cases in Show to see it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} cases are not shown: choose All cases in Show to see them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Overdue: {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Due soon: {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No cases match “{typed}”, open or closed. Check the spelling, or clear the filter.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No cases match “{typed}” in Show: {showing}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No cases in Show: {showing}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.conflicts</name>
        <message>
            <source>(empty)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.consent</name>
        <message>
            <source>No consent recorded yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>6 months after it was given</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>12 months after it was given</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a parent or carer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{shared}. Given by {who} on {day} ({how}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent to share: {consent}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{name} ({relationship})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none (not {agencies})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a parent or carer ({relationship})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Withdrawn by {who} on {day} ({how}). Nothing is shared without another lawful basis.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{agreed}; not {refused}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review overdue since {day}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review due {day}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.dates</name>
        <message>
            <source>is not a date Spoke can read: type it like 4/12/2026, 4 Dec, today or yesterday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not a date and time Spoke can read: type it like 4/12 16:30, yesterday 16:30 or 16:30</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>January</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>February</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>March</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>April</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>May</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>June</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>July</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>August</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>September</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>October</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>November</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>December</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Monday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tuesday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wednesday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Thursday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Friday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saturday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sunday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>needs a time as well as a date: add it like 16:30</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day} {month}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is in the future: it can only be today or earlier</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is in the future: it can only be now or earlier</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{weekday} {day} {month} {year}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day} at {time}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is before this case was opened on {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is more than {n} year ago: check the year (the earliest Spoke takes is {day})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is more than {n} years ago: check the year (the earliest Spoke takes is {day})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is in the future: it can only be today or earlier. For {day} last year, type {typed}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{words} (last year)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is in the future: it can only be now or earlier. For {day} last year, type {typed}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.held</name>
        <message>
            <source>too large for the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub found something it could not accept</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the case is no longer yours on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Split: the first part goes as the note itself, the rest as {n} amendment of it. All of it goes to the hub at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Split: the first part goes as the note itself, the rest as {n} amendments of it. All of it goes to the hub at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} of {limit} characters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This is too long to send to the hub. Split it: finalise this part and add the rest as an amendment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nearly the most the hub takes in one note: finish this part soon and add the rest as an amendment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the hub would not take it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{why}: {size} KB (the hub takes {most} KB)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} of {limit} characters: {over} too many to send</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} of {limit} characters: nearly the most</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.labels</name>
        <message>
            <source>One-to-one, in person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Phone call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Text messages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Online (video or chat)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Missed: they did not come or could not be reached</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cafe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Fast-food place</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Car</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>School or college</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their home</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Community building</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Office</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Online</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outdoors</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Somewhere else</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Me</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>We decided together</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not sure yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safeguarding concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Work with professionals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attachment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Children's social care</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Police</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Health</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Another agency</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.passphrase</name>
        <message>
            <source>Too short</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Weak</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Good</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Strong</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This passphrase would be easy to guess. Try three or four unrelated words, or mix in capitals, numbers or symbols.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The two passphrases are not the same. Type the same passphrase in both boxes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your passphrase needs at least {least} characters (it has {length}). A few unrelated words work well.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.people</name>
        <message>
            <source>a colleague (not known on this laptop)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{name} (you)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.pins</name>
        <message>
            <source>Type a PIN.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A PIN is digits only.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A PIN has {least} to {most} digits.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.record_words</name>
        <message>
            <source>One-to-one</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Phone call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Text messages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Online (video or chat)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Missed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case closure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} byte</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} bytes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Awaiting supervisor sign-off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>, reviewed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Missed session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not asked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Approved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Returned</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>, awaiting sign-off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>, signed off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>, returned by supervisor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Returned by {person}, {when}: {comment}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment ({kind})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Concern raised with {agency}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment to a {thing}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attachment: {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{kb} KB</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Length</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} minute</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type of contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What was discussed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their own words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“Do you want to see me?”</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Concerns</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Actions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Score</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Level from the score</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More about it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why no closing assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date raised</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raised with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amends</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Correction</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Title</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of the document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>File</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Size</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Written</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>By</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decided</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Held on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Discussion</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decisions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decisions not to act</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signed off by {person}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signed off by {person}, {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session: {contact}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment ({kind}): level overridden to {level}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who chose where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who set the pace</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Level in the worker's judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reasons</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor comment on {thing}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Signed off by supervisor ({thing})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Returned by supervisor ({thing})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{action} — {owner}, by {day}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.release</name>
        <message>
            <source>This Spoke is not installed, so its version is not known.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop has Spoke {version}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your organisation has approved Spoke {version}. Ask your IT contact to install it when it suits you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your organisation has approved Spoke {version}. Your IT contact can install it for you, or it is offered at {url}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.reminders</name>
        <message>
            <source>Your check-in was due at {due}. Check in now, or the hub will start alerting people to look for you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in due at {due} (in {n} minute). Check in on Spoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in due at {due} (in {n} minutes). Check in on Spoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in due now ({due}). Check in on Spoke, or text SAFE.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.reports</name>
        <message>
            <source>This quarter</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last quarter</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This financial year (April to March)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last financial year</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose dates</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.review</name>
        <message>
            <source>Closure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk level</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record signed off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record returned</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closure signed off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closure returned: the case is open again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk level signed off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk level returned</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Concern signed off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Concern returned</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment signed off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment returned</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That case is not on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case closure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Approved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action overdue (due {day})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action due {day}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.risk_words</name>
        <message>
            <source>Not scored yet: {n} question unanswered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not scored yet: {n} questions unanswered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Score {score} of {most}: {level} risk (raised by a single significant answer)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Score {score} of {most}: {level} risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} question still needs an answer:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} questions still need an answer:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Answer these questions before finalising: {questions}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“{question}”</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{questions} and {n} more</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{questions} and {last}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{group}: {questions}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.subject_file</name>
        <message>
            <source>OFFICIAL-SENSITIVE: contains personal data about a child</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing recorded.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About the young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sessions, assessments, concerns, closure and amendments</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attached documents (listed; their contents are not in this file)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent and information shared</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervision: comments, reviews and sign-offs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visits (lone working) linked to the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group work and work with professionals that mention them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young person's details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safeguarding concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Information shared</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor's comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reviewed by a supervisor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign-off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign-off requested</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit plan</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alarm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Escalation alert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alert notices</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alert acknowledged</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alarm resolved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Welfare debrief</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Welfare debrief done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Work with professionals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attached document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Another young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A professional's details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>May name someone else</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contact details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Family member</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The young person (subject access)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their parent or carer (subject access)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Another Spoke worker (handover)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Police</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Children's social care</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>School</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Health</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Someone else (say who)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No lawful basis is needed: the file stays within the service.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Made {when} by {who} from the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Made {when} by {who} from this laptop's casebook.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} item flagged for review before release (marked FOR REVIEW; nothing has been removed).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} items flagged for review before release (marked FOR REVIEW; nothing has been removed).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No lawful basis is needed: this is their own right of access.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The current consent does not cover {who}: choose the lawful basis for sharing without consent and say why.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Say who the file is for (name and organisation).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shared with {who} on {day} - basis: {basis}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shared with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>On</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Basis</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>By</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day} {time}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>time not known</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who viewed, changed, exported or shared it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No access recorded.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Flagged for review before release</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing flagged.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The file of {reference}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That file is too large to be a young person's file from the hub. Choose the file ending in -subject-file.json.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That is not a young person's file from the hub. Choose the file the command spoke-hub requests bundle wrote (its name ends in -subject-file.json).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That file from the hub is damaged or was changed after the hub wrote it: make it again with spoke-hub requests bundle.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No consent is recorded: sharing with {who} needs a lawful basis and a reason.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent was withdrawn: sharing with {who} needs a lawful basis and a reason.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Covered by the current consent (given {day}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day} {time} UTC</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whole</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{title} (draft, not finalised)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>For: {recipient}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That file could not be opened. Choose the file the hub wrote (its name ends in -subject-file.json).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{title} (final)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Version {n} (superseded): {at} by {who}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Version {n} (current): {at} by {who}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{version} on {laptop}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amended by {n} later record(s): see below.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{when}: {action}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Detail</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sharing with {who} is not covered by consent: choose the lawful basis for sharing without consent.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Say why sharing without consent is needed (at least {n} characters).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>FOR REVIEW - {label}: {why}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>laptop {id}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field} was {value}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{version} - {changes}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(empty)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.sync_words</name>
        <message>
            <source>Checking…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nothing: everything has reached the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing waiting: everything has been sent to your hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>never</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>just now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} minute ago</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} minutes ago</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Syncing…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop has been retired by your hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop must be enrolled again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nothing yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nothing else (the records held back below wait for you)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record is waiting to go to your hub. They are safe on this laptop and will be sent at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records are waiting to go to your hub. They are safe on this laptop and will be sent at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing waiting to go to your hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} day ago ({when})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} days ago ({when})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub not reachable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>last sync had a problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>your hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connected to {hub} as {user}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record is waiting to go to your hub. They are safe on this laptop and will be sent at the next sync. The hub cannot be reached right now; Spoke keeps trying.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records are waiting to go to your hub. They are safe on this laptop and will be sent at the next sync. The hub cannot be reached right now; Spoke keeps trying.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>today at {time}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not connected to a hub ({keys} to connect)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Uploaded {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>downloaded {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolled with {hub} as {user}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolled with {hub} as {user}. The hub cannot be reached right now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop is not connected to a hub yet: your records stay only here. Connect to your hub: Sync page, {keys}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub no longer accepts this laptop: enrol it again on the Sync page ({keys}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop must be enrolled again · {count} waiting, kept safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} waiting</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record is waiting to go to your hub, but this laptop is not connected to one yet, so they are kept only here. Connect to your hub: Sync page, {keys}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records are waiting to go to your hub, but this laptop is not connected to one yet, so they are kept only here. Connect to your hub: Sync page, {keys}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record is waiting. The hub no longer accepts this laptop: enrol it again on the Sync page ({keys}). Nothing is lost.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records are waiting. The hub no longer accepts this laptop: enrol it again on the Sync page ({keys}). Nothing is lost.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.today</name>
        <message>
            <source>Nothing needs doing right now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When you are ready, record a session or look through your caseload. Plan a visit on the Visits page before you go out alone.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stay safe and call 999 if you are in danger. The Visits page shows who is being told.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record is kept only on this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records are kept only on this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop is not connected to a hub yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub no longer accepts this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Initial assessment needed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the case and do the first risk assessment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check in now on the Visits page to let them know you are safe.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record was held back by the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records were held back by the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record was changed in two places</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records were changed in two places</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connect to your hub on the Sync page ({keys}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record is waiting to go to your hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records are waiting to go to your hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session note, {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment, {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the case and review the risk assessment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your alarm is raised: {place}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check in now on the Visits page, or your contacts will be told.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrol it again on the Sync page ({keys}). Nothing is lost.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing to do: Spoke keeps trying and sends them when the hub can be reached.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing to do: they go at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open it to finish and finalise it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in overdue, your contacts are being told: {place}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub has not got your plan. Connect to it, or tell your buddy where you are.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the Sync page ({keys}) and choose Show what is held back to decide what to do. Nothing is lost.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the Sync page ({keys}) and choose which version to keep.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft not finalised: {draft}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk review overdue since {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk review due {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Plan the review: open the case before {day}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in overdue: {place}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open it to finish and finalise it (last saved {when}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nobody is watching your visit yet: {place}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check in on the Visits page when you leave.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in due soon: {place}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check in on the Visits page by {time}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit under way, the hub is watching: {place}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.visits</name>
        <message>
            <source>If I miss a check-in, call me; if you cannot reach me, call the on-call manager.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>SMS and email</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>SMS</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>email</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Armed (this hub does not say who it would alert).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Armed, but the hub has nobody to alert - call your manager.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} alarm receiving centre will be told</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} alarm receiving centres will be told</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone visit plan (Spoke). The hub cannot alert anyone about this visit: please watch for me.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone visit plan (Spoke). The hub is NOT watching this visit: please watch for me.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Armed: {who}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM RAISED at {time}. The hub has your alarm: the alarm receiving centre is being told.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ARMED — {where}; next check-in due {due}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last check-in: {label} at {time}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where: {place}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Started {start}, expected end {end}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>My mobile: {number}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} person will be called by {channels}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} people will be called by {channels}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Armed: {called} and {told}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM SAVED on this laptop at {time} - not sent yet. Nobody knows yet. Call 999 if you are in danger. Spoke sends it the moment there is a connection.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM RAISED at {time}. The hub has your alarm.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM RAISED at {time}. The hub has your alarm but has NOBODY to alert - call your manager, or 999 if you are in danger.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM RAISED at {time}. The hub has your alarm: {n} person is being called by {channels}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM RAISED at {time}. The hub has your alarm: {n} people are being called by {channels}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{place} ({reference}), until {end}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{place}, until {end}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ALARM RAISED — {where}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ARMED — {where}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NOT ARMED (the hub is not watching yet) — {where}; next check-in due {due}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ARMED, CHECK-IN OVERDUE — {where}; next check-in due {due}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No check-ins yet. Visit started at {start}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case reference: {reference}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>I will check in with you every {minutes} minutes, next due {due}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>I will check in with you every {minutes} minutes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Vehicle: {vehicle}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Known risks: {risks}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NOT ARMED (the hub is not watching yet) — {where}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ARMED, CHECK-IN OVERDUE — {where}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your visit plan for {place}: the hub is not watching it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your check-in at {time} ({place})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your ALARM at {time} ({place})</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.present.young_person</name>
        <message>
            <source>dd/mm/yyyy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Likes to be called</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of birth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Gender</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ethnic group</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ethnicity in their words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ethnicity recorded at referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contact by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Through</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Leave a message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safe numbers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needs and contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Restricted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{heading}: {group}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ethnicity</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>an unknown day</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>In their words: {words}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Age</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A message may be left.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Do not leave a message.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safe numbers: {n} recorded (hidden while names are hidden).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not asked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“{value}”</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be entered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cannot be in the future</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{number} ({whose}; safe times: {times})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{number} ({whose})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contact by: {ways}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day} (age {age})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>through {professional}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safe numbers: {numbers}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{changes} on {day} by {who}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{changes} on {day}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Corrected on {day} by {who} (before this laptop had the record: earlier versions not seen here).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Corrected on {day} (before this laptop had the record: earlier versions not seen here).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be a real date written {format}, e.g. 04/12/2012</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{detail} changed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{detail} changed from {old} to {new}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.store.attachments</name>
        <message>
            <source>{n} byte</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} bytes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This file is more than {size}; your hub accepts files up to {limit}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This file is {size}; your hub accepts files up to {limit}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This file is empty (0 bytes): there is nothing to attach.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The file changed while it was being attached, so nothing was saved. Wait until it is finished (for example, saved or downloaded), then attach it again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This file is not on this laptop yet: it is fetched from the hub at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That part of the file does not exist.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The file could not be read, so nothing was attached.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A part of an attached file from the hub has the wrong number or length; it was not stored and is fetched again at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No part of that file is on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No attachment on this laptop names that file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A part of an attached file from the hub does not match the file's size; it was not stored.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Parts of that file have not arrived yet: {count} of {total}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.store.casebook</name>
        <message>
            <source>A renewal of this casebook's key was cut off before it began. Unlock with your passphrase to finish it, or use your previous recovery key.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A casebook already exists in this profile; nothing was changed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The casebook database is missing from this profile.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The casebook is locked.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That record is not in this casebook.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a passphrase of at least {minimum} characters: a few unrelated words are easy to remember and hard to guess.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your current passphrase is not right.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your passphrase is not right.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This record has been finalised and cannot be changed. Record an amendment instead.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A record with this id is of another kind.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This casebook's key was renewed: use the recovery key Spoke showed you then.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only drafts can be discarded.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.store.database</name>
        <message>
            <source>The casebook cannot be opened with this key: it is damaged or belongs to another key file. Nothing has been changed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This casebook was written by a newer version of Spoke (schema {schema}; this version understands up to {latest}). Update Spoke to open it; nothing has been changed.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.store.sync_state</name>
        <message>
            <source>The hub says {records} of the {total} records on this laptop ({n} case) are no longer yours to hold, usually because the cases were reassigned. Nothing has been removed yet. If that is expected, confirm; if not, speak to your supervisor first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub says {records} of the {total} records on this laptop ({n} cases) are no longer yours to hold, usually because the cases were reassigned. Nothing has been removed yet. If that is expected, confirm; if not, speak to your supervisor first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That conflict is not open on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop is already enrolled with a hub; nothing was changed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop's enrolment changed while it was being enrolled again; nothing was changed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only a record the hub refused and never took can be split.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The sync cursor moved while a page was being applied.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub sent a record whose kind does not match this one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That conflict is not on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A change to re-send is missing from the casebook.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be the conflict's field and fields tied to it by a rule</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.sync.client</name>
        <message>
            <source>That enrolment code is for someone else. This laptop holds the caseload of the person it was enrolled for, so it can only be enrolled again in their name. Nothing was changed: ask your hub administrator for a code in your own name.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That hub does not know this laptop: it was enrolled with a different hub, and its records belong there. Nothing was changed: check the hub address (it is filled in with the one this laptop used) or ask your hub administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's certificate fingerprint should be 64 hexadecimal characters (SHA-256); check what your hub administrator gave you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's answer was too large or too slow, so Spoke stopped reading it. Your work is safe on this laptop and will be sent at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the audit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the list of laptops</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the device report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The server did not present a certificate.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub address should look like https://hub.example.org (or http://127.0.0.1 for a hub on this computer).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub address should not include a name, query or #.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's address sent Spoke somewhere else, which Spoke does not follow. Your work is safe on this laptop; check the hub address with your hub administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your hub administrator has retired this laptop: it sends what it holds and receives nothing more.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub was restored from a backup. Spoke will send everything again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub refused some changes because the case is not in your caseload there.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub refused this laptop's record history (it does not follow on from what the hub has). Nothing was lost; tell your hub administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub refused a batch as too large.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop needs to be enrolled with the hub again: its sign-in was used from somewhere else, so the hub stopped accepting it. Ask your hub administrator for a new enrolment code. Everything not yet sent stays safe on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop needs to be enrolled with the hub again: it has not synced for so long that its sign-in expired. Ask your hub administrator for a new enrolment code. Everything not yet sent stays safe on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub is turning away sign-in attempts for a few minutes; Spoke will try again later. Your work is safe on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub no longer accepts this laptop's sign-in. Ask your hub administrator to enrol it again; your work stays safe on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub has a problem of its own right now; Spoke will try again later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub has seen too many enrolment attempts and is refusing them for a few minutes. Wait, check the code, then try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub answered in a way this version of Spoke does not understand.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop is not enrolled with a hub yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke only talks to a hub over https (encrypted), unless the hub runs on this same computer. Check the address starts with https://.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke needs the hub's certificate fingerprint to be sure it is talking to your hub. Ask your hub administrator for it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub did not answer in time. Your work is safe on this laptop and will be sent at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke cannot reach the hub (no connection, or the hub is down). Your work is safe on this laptop and will be sent at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's answer arrived damaged. Your work is safe on this laptop and will be sent at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your hub administrator has revoked this laptop and asked for its casebook to be erased.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your hub administrator has revoked this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub refused the request ({code}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The server at this address does not look like a Spoke hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That enrolment code does not look right; check it and try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub did not accept that enrolment code. Codes work once and expire after a day; ask your hub administrator for a new one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's answer to what Spoke sent could not be read. Your work is safe on this laptop and will be sent again at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub does not let this account export the audit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More entries match than one export may hold: narrow the filters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub could not use these filters for the audit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This server's certificate is not the one your hub administrator gave you, so Spoke sent nothing. Someone may be pretending to be your hub; tell your administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub does not let this account see {what}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub found nothing by that id for {what}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub could not use these filters for {what}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.sync.engine</name>
        <message>
            <source>This laptop has been retired by your hub; everything on it has been sent.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop has been retired by your hub. It has {n} record still to send: keep it until they are sent or your supervisor has sorted them out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop has been retired by your hub. It has {n} records still to send: keep it until they are sent or your supervisor has sorted them out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop has been retired by your hub. It has {n} record the hub would not take: keep it until they are sent or your supervisor has sorted them out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop has been retired by your hub. It has {n} records the hub would not take: keep it until they are sent or your supervisor has sorted them out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop is not enrolled with a hub yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop has been retired by your hub. It has {waiting} and {held}: keep it until they are sent or your supervisor has sorted them out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record still to send</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records still to send</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record the hub would not take</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records the hub would not take</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub sent records this version of Spoke cannot use, so nothing was changed on this laptop. Tell your hub administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That hub is not the one this laptop was enrolled with, and its records belong there. Nothing was changed on this laptop; ask your hub administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That enrolment code is for someone else. This laptop holds the caseload of the person it was enrolled for. Nothing was changed on this laptop; ask your hub administrator for a code in your own name.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop's casebook was erased on the hub's instruction.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The casebook is closed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop is already enrolled with a hub; nothing was changed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub keeps changing its data underneath this laptop; try again later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's answer did not cover every change sent; they will be sent again.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.sync.reports</name>
        <message>
            <source>The hub sent a report with withheld figures.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.date_field</name>
        <message>
            <source>Date in words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. yesterday 16:30</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. 4/12/2026 or yesterday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with this date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is needed: type a date and time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is needed: type a date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field}, in words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with {field}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field} {problem}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.first_run</name>
        <message>
            <source>I have written this recovery key down and will keep it safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke - set up your casebook</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the passphrase again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Create my casebook</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Create my casebook</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Passphrase:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Type it again:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Welcome to Spoke</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Setting up your casebook. This takes a few seconds…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>If you ever forget your passphrase, this recovery key is the only way back into your casebook. Nobody at the hub can open it for you.

Write it down on paper now and keep it somewhere safe, away from this laptop. It will not be shown again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>C&amp;opy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy the recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy the recovery key, for example into a password manager</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Con&amp;tinue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Continue to Spoke</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copied. Paste it somewhere safe; Spoke clears it from the clipboard when you continue.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with the passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke keeps your notes in an encrypted casebook on this laptop. Choose a passphrase to lock it. You will type it each time you open Spoke, so pick something you can remember: at least {least} characters. A few unrelated words work well.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.forms</name>
        <message>
            <source>Discard changes?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You have changes that are not saved. Close and lose them?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Once finalised it cannot be changed; corrections are added as amendments.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Finalise</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Go back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Go back without finalising</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Don't ask again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Don't ask again before finalising</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Finalise this {what}?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Form</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What you were typing when Spoke locked was kept. Carry on, save it, or close to discard it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Finalise this {what}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>must be chosen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field} {problem}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please fix {n} thing before {action}: {fields}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please fix {n} things before {action}: {fields}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please fix {n} thing before {action}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please fix {n} things before {action}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{label}:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problems with this {record}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with {field}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This could not be saved: {reason}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.main_window</name>
        <message>
            <source>Lone working</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reports</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Audit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Keep Spoke open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Close anyway</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Today</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Caseload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record a session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referrals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group and professional work</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visits</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not sent to the hub yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>These have not reached the hub yet:

{items}

They are kept on this laptop and sent the next time Spoke is open and connected. Nobody has been alerted about your alarm: if you are in danger, call 999.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>These have not reached the hub yet:

{items}

They are kept on this laptop and sent the next time Spoke is open and connected.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{board} ({count})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Go</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Spoke</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Lock now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Make a &amp;PDF of a file from the hub…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New &amp;referral…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Session note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Group or awareness session…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Training or consultancy…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;View</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Hide names</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Casebook unlocked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lock now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone working: open the board</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} welfare debrief to do</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} welfare debriefs to do</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone working: {words}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your session note was kept as a draft.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The form you were typing in when Spoke locked is open again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referral accepted: the case is open.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referral saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>- {item}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lock now ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{page} ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{text}. Open the lone-working board</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the lone-working board ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync: {status}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A half-typed form kept at lock could not be opened again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reassigned: the case moves at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{board}; {debriefs}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Other records not sent yet: {kinds}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} {kind}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.models.board</name>
        <message>
            <source>{heading}: none</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{heading}: {value}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.models.caseload</name>
        <message>
            <source>Current risk: {risk}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.models.today</name>
        <message>
            <source>What needs doing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What to do next</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Urgent: {what}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.reminders</name>
        <message>
            <source>Spoke: time to check in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke check-in reminders</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.shell</name>
        <message>
            <source>Spoke is locked. Your drafts were saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke locked itself because it was not used for {n} minute. Your drafts were saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke locked itself because it was not used for {n} minutes. Your drafts were saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke locked itself because the laptop went to sleep. Your drafts were saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke locked itself because it was not used for less than a minute. Your drafts were saved.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.sync_bridge</name>
        <message>
            <source>Spoke cannot reach a hub at that address (no connection, or the hub is down). Check the hub address and your connection, then press Enrol this laptop again. Until it is enrolled, your records stay only on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolment failed unexpectedly; please try again.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.text_limit</name>
        <message>
            <source>Length of this text</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.unlock</name>
        <message>
            <source>&amp;Unlock</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Unlock and set new passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Try again in {seconds} s</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke - locked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why Spoke is locked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Passphrase:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unlock</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Forgotten your passphrase?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Forgotten your passphrase? Use your recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unlock your casebook</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unlocking…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the recovery key you wrote down when you set up Spoke: eight groups of four letters and numbers. Then choose a new passphrase. Your old passphrase will stop working; your recovery key stays the same.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ABCD-EFGH-…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the new passphrase again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Back to the passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unlock with the recovery key and set new passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use your recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unlocking with your recovery key…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unlock problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type your passphrase, then press Unlock.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recovery problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Recovery key:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;New passphrase:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Type it again:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type your recovery key first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{problem} Check that Caps Lock is off, then try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{problem} To keep your casebook safe, Spoke waits {seconds} seconds before the next try.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This is the demo casebook of made-up people. Its passphrase, “{passphrase}”, is filled in for you: press Unlock.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.area_choice</name>
        <message>
            <source>e.g. EX1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not known</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Area suggestion</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Confirm area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Confirm the suggested area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not chosen: pick the area, or Not known</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is not confirmed: a suggestion counts only once you check it and press Confirm area (or pick another)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Local authority area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Postcode district</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Postcode district:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Local a&amp;uthority area:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with the area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&lt;b&gt;Not confirmed yet&lt;/b&gt;: check the area, then press Confirm area, or pick another.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{area} (no longer on the hub's list)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{area} (suggested from {district})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&lt;b&gt;Suggested&lt;/b&gt; from postcode district {district}: check it is right, then press Confirm area, or pick another.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That is not a postcode district (e.g. EX1): pick the area.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Local authority area {problem}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No single area on the list covers {district}: pick the area.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.attachments</name>
        <message>
            <source>Title</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of the document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Belongs to</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Make the photo smaller</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PDF, {n} page.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PDF, {n} pages.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke could not read this picture (it may be damaged, or of another type than its name says).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke could not read this picture, so it was not made smaller. Untick “Make the photo smaller” to attach it as it is.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New version of a document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Title</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Date of the document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The date on the document, or when the photo was taken.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Belongs to</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A smaller copy is kept instead of the original: quicker to sync, and the camera's details (such as where it was taken) are left out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add the document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About this preview</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open a cop&amp;y…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open a copy in another program</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reading…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This file is not on this laptop yet: it comes with the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Documents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Documents, newest first</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No documents yet. Add a file, drop one here, or paste a picture.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No documents yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The selected document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paste a picture from the clipboard</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Preview</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Preview the selected document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open a copy of the selected document in another program</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ne&amp;w version…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a new version of the selected document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close t&amp;he copy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close the copy and delete it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a file to this referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a file to this case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} copy is open outside Spoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} copies are open outside Spoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a document to the referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file_name} ({kind}, {size})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>adding it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Picture, {width} by {height} pixels.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>File</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Drop files here to add them to the referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Drop files here to add them to the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Documents message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a document, photo or other file to this referral (or drop files on this section)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add a document, photo or other file to this case (or drop files on this section)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only files can be added (not folders).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no picture on the clipboard to paste. Copy one first (for example a screenshot), then paste.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No program on this laptop opens this type of file, so the copy was deleted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke could not delete the copy: another program still has it open. Close it there first, then press “Close the copy” again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close t&amp;he copies</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This picture says it is {width} by {height} pixels: too large for Spoke to open safely (at most {most} million pixels).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>File: {about}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>It replaces “{title}”, which is kept as an earlier version.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Make the photo smaller (longest side {pixels} pixels)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Add ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Preview: {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Picture: {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pages of {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke does not preview this type of file ({kind}). To read it, open a copy in another program.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add file… ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Paste image ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pasted image</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the new version of “{title}”</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke could not write the copy (is the disk full?). Nothing was left behind.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A copy of “{name}” is open outside Spoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This PDF is protected by a password, so Spoke cannot show it. Open a copy to read it in another program.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke could not read this PDF (it may be damaged). Open a copy to try another program.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Earlier versions: {versions}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{kind}, {size}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Word document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{reason} Tick “Make the photo smaller” to attach a smaller copy of it.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.audit</name>
        <message>
            <source>The audit is kept on the hub, and the hub cannot be reached from here. Connect to the internet (or your hub's network) and choose List entries again. Nothing of the audit is kept on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Something went wrong; nothing was changed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>name or user id</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. YP-0007</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Flagged &amp;only</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Flagged entries only</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;List entries (F5)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>List the audit entries from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Export CSV…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export the listed entries as CSV</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Device report…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Device report: what a lost laptop held</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Audit entries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Set the filters you need and choose List entries.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the hub for the audit…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} entry, oldest first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} entries, oldest first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export the audit as CSV</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the hub for the CSV…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Device report: a lost or stolen laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show &amp;report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show the laptop's report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Device report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save as text…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the report as a text file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close the device report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the hub for its laptops…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the hub for the report…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the device report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Text files (*.txt)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. 4/12/2026 or yesterday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Case reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;From</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From day</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;To</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To day</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Audit status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Flagged accounts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Audit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who opened, wrote, shared or exported which case, when, from which laptop, as the hub recorded it. Unusual access is FLAGGED. Reading the audit is recorded.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Device report status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What to tell the ICO within 72 hours: which young people's records the laptop held at its last sync, how its casebook is encrypted, when it last reached the hub, and whether revocation and wipe have taken effect. Revoke it with wipe first (spoke-hub device revoke DEVICE --wipe). The report names young people: it is shown here and saved only if you ask.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No laptop is enrolled on the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a laptop, or type its id.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Exported to {name} (readable by you only). It names people and laptops: keep it as safe as the audit itself.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The CSV was not written. {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The list of laptops could not be fetched: {reason} You can type a laptop's id instead.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Report made by the hub at {when} (the hub records that you made it).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No report: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The first {n} entries, oldest first: there are more. Narrow the filters (days, person or action) to see the rest.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} flagged.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} laptop(s) on the hub. Choose one and Show report.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field} {problem}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved to {name} (readable by you only).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The report was not saved: {reason}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.board</name>
        <message>
            <source>No welfare debriefs to do. When an alarm is resolved, a debrief with the worker appears here until a supervisor of the team has held it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolve with a note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What you are resolving</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please write a note before resolving.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>resolving</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Welfare debrief done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The debrief you are marking done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please write a note before marking the debrief done.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>marking the debrief done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Loading the team's visits…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone-working summary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visits out now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nobody on your team is out on a visit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Acknowledge alert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tell the hub you are dealing with it, so the alert does not move up.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolve with note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close the alarm or overdue alert with a note of what happened.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Welfare debriefs to do</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debriefs to hold with workers after an alarm was resolved. Pick one, then Debrief done.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No welfare debriefs to do</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debrief done</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mark the selected welfare debrief done, with a short note of how it went.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Selected visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>State of the selected visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Timeline of the selected visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone working board</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debrief marked done, with your note. Sending it to the hub now; it leaves every supervisor's list after their next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolved, with your note. Sending it to the hub now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What happened</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What &amp;happened</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who you spoke to, what you found and what was done. Kept with the visit.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolve</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How it went</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;How it went</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When you met, how it went and any follow-up agreed (support, time off, changes to lone-working plans).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Board message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone-working board</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} visit going on now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} visits going on now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nobody is out on a visit now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} welfare debrief to do.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} welfare debriefs to do.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pick a visit to see its plan and what has happened.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{state}: {worker} at {place}. {explained}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The selected visit has no alert waiting for acknowledgement.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only a visit in alarm or overdue can be resolved. Pick one in the list.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{state}: {worker} at {place} ({case}).
Resolving closes the alerts on this visit and restarts its check-in timer as if the worker had checked in safe now. A welfare debrief with the worker follows.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write what happened and what was done, in at least {n} characters: the alarm cannot be resolved without a note.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{debrief}
Your note goes to your team's supervisors only: the worker does not receive it. The debrief then leaves every supervisor's list.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write when the debrief took place, how it went and any follow-up, in at least {n} characters: a debrief cannot be marked done without a note.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Acknowledge alert ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolve with &amp;note… ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Debrief &amp;done… ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The board could not be read: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Acknowledged at {time}: the hub will not move this alert up. Sending it to the hub now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The acknowledgement could not be saved: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Pick a welfare debrief in the list first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There are no welfare debriefs to do.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Resolve ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Debrief done ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needs you now: {counts}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{label}: {value}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{label}:</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.case_page</name>
        <message>
            <source>Open one from Caseload (Ctrl+2): choose a young person and press Enter. To find a case by what was said, type a few words in Search notes on the Caseload page. Cases also open from Today.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk level over time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Current risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No case open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Go to Caseload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a case to open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Correct de&amp;tails…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Correct the young person's details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Correct their name, date of birth, ethnicity, contact preferences or safe numbers (the details as they are now are kept as an earlier version)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Earlier versions of their details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How they like to be contacted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk over time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About them, risk over time and documents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Timeline, newest first</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The selected record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record a sessio&amp;n</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record a session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk &amp;assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safeguarding &amp;concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safeguarding concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>C&amp;onsent…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record or withdraw consent to share</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A&amp;mend selected</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amend the selected record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Carry on with &amp;draft</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Carry on with this draft</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>C&amp;lose case…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close this case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ar&amp;ea…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Set the local authority area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The local authority area the case is in (for reports)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;File…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Share or export this young person's file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Share or export the file: a PDF and JSON of everything held, for the young person, a handover, or another agency (asks for the lawful basis when consent does not cover it)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reass&amp;ign…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reassign this case to another worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not assessed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Opened</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Key worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Local authority area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lawful basis</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent to share</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>None: the case is closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No risk assessment yet: do the initial assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Final</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>, amended</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>, waiting to sync</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft: not finalised yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Finalised: kept as written; corrections are amendments.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No risk assessments yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No finalised risk assessments yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Summary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not known</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referred by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent at referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Due {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing recorded yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Go to Caseload ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record or withdraw consent to share ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Current risk: {risk}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent notes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Overdue since {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Due soon, {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Select a record in the timeline to read it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Written</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Correction</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk level at each assessment: {levels}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{action} ({keys})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{reference} — {name} ({preferred})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{reference} — {name}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{case} (closed) · closure awaiting supervisor sign-off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{case} (closed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{label}: {value}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{label}:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{agency} ({kind}), {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Overdue: ask them again about consent (Consent…, {key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Usually meets: {place} ({count} of {total} sessions).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They chose where to meet {count} of {total} times.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Most contact: {kind} ({count}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last asked “Do you want to see me?” on {day}: {answer}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case opened</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment ({kind})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Original (unchanged)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendments</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What was explained</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day}: {level}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{level} (score {score}) by professional judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{level} (score {score})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shared</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent withdrawn</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign-off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shared with {recipient}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.caseload</name>
        <message>
            <source>Open cases</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reviews due or overdue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed cases</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>All cases</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Part of a reference, name, risk or status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Filter the caseload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Filter:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Which cases to show</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sho&amp;w:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Hide names</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hide names</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show references only, for working where others can see your screen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Caseload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Press Enter to open the selected case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No cases shown</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Words from any note, e.g. library bus</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search all notes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search &amp;notes:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search result</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Notes found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No cases yet. Cases arrive here when you accept a referral or your hub assigns them to you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Searching…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where the words were found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} note found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} notes found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search failed: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not part of a case</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.closure_wizard</name>
        <message>
            <source>Reason for closing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>More about the reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closing risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why there is no closing assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why is the case closing?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Say why, and on which day the case closed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;More about it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Date closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The outcome compares the closing assessment with the first one. If you could not do a closing assessment, say why.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use a closing &amp;assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use a closing assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>R&amp;ecord the closing assessment now…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record the closing assessment now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is n&amp;o closing assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no closing assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Why not</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check this before closing the case. The closure then goes to your supervisor to sign off; if they return it, the case opens again for you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Initial and closing risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close this case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Close the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>case closure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problems with this step</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needed when the reason is 'Another reason'.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>going on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with the closing assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Initial, {day}: {level}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Say why there is no closing risk assessment, or record one now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problems with the closure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next step</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Previous step</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{level} ({day})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose why the case is closing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required when the reason is 'Another reason'</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closing, {day}: {level}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review, {day}: {level}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>At the start: {start}.
At closing: {closing}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outcome: {outcome}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case could not be closed: {problems}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field} {problem}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.conflicts</name>
        <message>
            <source>Open conflicts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The selected conflict</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep the &amp;hub's value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep the hub's value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the &amp;laptop's value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the laptop's value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Use the laptop's values together</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No conflicts to resolve.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Resolved. Everyone sees the decision after their next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Field</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>On the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From a laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Conflict message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&lt;p&gt;&lt;b&gt;From a laptop:&lt;/b&gt; {value}, written by {author} on {time}&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&lt;p&gt;&lt;b&gt;{field}&lt;/b&gt; of this {kind} was changed in two places from the same version. The hub kept its value until someone decides.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&lt;p&gt;&lt;b&gt;On the hub:&lt;/b&gt; {value}, written by {author} (the clash was found {time})&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This conflict could not be settled: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{value} (by {author})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{value} (by {author}, {time})</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.held_records</name>
        <message>
            <source>These records are kept safe on this laptop, but the hub would not take them, so they have not been sent. Choose one to see what you can do.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Held back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Records held back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>S&amp;plit into an amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Split into an amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sends the first part as the note and the rest as amendments of it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send a&amp;gain</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tries this record again at the next sync, once you have corrected it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What you can do</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why it was held back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What happened</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing is held back: everything can go to the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This note is too long to send to the hub in one record. Split it: the first part goes as the note itself and the rest as amendments of it, word for word.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Correct the record in its own form if the hub found a problem with it (or ask your supervisor if the case is no longer yours), then send it again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>It will be sent again at the next sync. If the hub still refuses it, it comes back here with the reason.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing was changed: {error}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.key_renewal</name>
        <message>
            <source>I have written the new recovery key down and will keep it safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your new recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This will be your recovery key once the casebook has its new key: the only way back in if you forget your passphrase. Your old recovery key will stop working.

Write it down on paper now and keep it somewhere safe, away from this laptop. It will not be shown again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>C&amp;opy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy the recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Renew the key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Renew the casebook's key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel: keep the current key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copied. Paste it somewhere safe; Spoke clears it from the clipboard when you close this window.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Give your casebook a new key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your passphrase, to renew the casebook's key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ne&amp;w key…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Give the casebook a new key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Your passphrase:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checking your passphrase…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing was changed: your casebook keeps its key and your recovery key still works.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Giving your casebook its new key… On a large casebook this takes up to a minute; keep Spoke open.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Done: your casebook has a new key. Keep the recovery key you just wrote down; the old one no longer works. Your passphrase is unchanged.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Key renewal result</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>If someone may have seen your passphrase or your recovery key, or copied Spoke's files from this laptop, give the casebook a new key. Everything is encrypted again, you get a new recovery key, and the old one stops working. Your passphrase stays the same.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type your passphrase first.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.outreach</name>
        <message>
            <source>Group and professional work</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New group or &amp;awareness session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New group or awareness session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New &amp;training or consultancy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New training or consultancy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Totals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Topic</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reached</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young people at group and awareness sessions are counted, never named. Professionals are counted by profession.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} young people</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>So far: {young} young people reached through group work; {professionals} professionals trained or consulted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group session ({setting})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{profession} {count}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.record_dialogs</name>
        <message>
            <source>School or college</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Youth club</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Community venue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Online</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Somewhere else</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Training</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Awareness session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case consultancy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date raised</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raised with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What the concern is</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why it needs amending</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The correction or addition</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Topic</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young people who took part</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Notes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Kind of work</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attendees</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Withdraw consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date given</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Given by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name of who gave it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Relationship to the young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How it was recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How, if another way</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What was explained</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Agreed to share with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The consent withdrawn</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Police</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Children's social &amp;care</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Schoo&amp;l</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>H&amp;ealth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Topic</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Length of the topic</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>saving</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safeguarding concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date &amp;raised</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raised &amp;with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What the &amp;concern is</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their r&amp;eference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent to share</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Withdraw consent (a new record that replaces the current one)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Date given</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Given &amp;by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Relationship</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;How recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How, if &amp;other</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What was e&amp;xplained</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They agree to share with (unticked is a no)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They agree to share with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Re&amp;view due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save withdrawal ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save consent ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save amendment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The original record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The original (it will not change)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Why it needs amending</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The &amp;correction</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Group or awareness session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save group session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Young people</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Notes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Work with professionals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save work with professionals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Kind of work</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attendees by profession</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The reference the other agency gave you, so the concern can be followed up.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Current consent: {consent}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no consent in force to withdraw.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>For a parent or carer only: for example mother, foster carer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What you told them about sharing, in words they would recognise.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When to ask again. There is no default: choose one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save withdrawal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write the corrected or extra account. Both will be shown side by side.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} of {most} characters: the most a topic can have. Write the rest in the notes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{action} ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose who it was raised with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose who gave it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose how</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not chosen yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the kind of work</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Attendees by profession (at most {most} in all)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with {field}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} of {most} characters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A few words, at most {most} characters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Share with {agency}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A head count only: group work is never recorded by name. At most {most}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{profession} attendees</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.referral</name>
        <message>
            <source>Police</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Children's social care</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>School or college</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Health</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Youth justice</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Voluntary sector</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Family or carer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The young person themselves</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Other</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Public task</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Legitimate interests</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Vital interests</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Legal obligation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Full name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name they like to be called</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of birth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Gender (in their words)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ethnicity (in their words)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needs and how they like to be contacted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date received</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referred by (agency)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Kind of referrer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason for referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The young person agrees to information being shared</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Notes on consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason for declining</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of decision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lawful basis for holding the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Postcode district</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Local authority area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Full &amp;name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Likes to be called</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of &amp;birth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>R&amp;eference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Gender</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>E&amp;thnicity</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needs and &amp;contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date &amp;received</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referred b&amp;y</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Kind of referrer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason for re&amp;ferral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The young person agrees to infor&amp;mation being shared</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Notes on c&amp;onsent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Decision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of dec&amp;ision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>W&amp;hy declined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>La&amp;wful basis</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Postcode district</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Local a&amp;uthority area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referrals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Open and decide (Enter)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the selected referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No referrals yet. Press New referral to take one in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shown instead of their name wherever the name is not needed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>For example: prefers texts after 4pm; does not want letters at home.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Usually public task, not consent. Agreed with your hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>saving</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Received</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referred by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent to share</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Take in a referral, record whether the young person agrees to information being shared, and decide: accept, decline with a reason, or waiting list. Keep the referral letter and other papers under Documents: the case opened from the referral shows them too.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose who referred them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose (agreed with your hub)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save referral ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required: choose who referred them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required to open the case: choose the one agreed with your hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;New referral ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Accept and open a case ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The referral could not be saved: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(unknown)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.reports</name>
        <message>
            <source>Official - sensitive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cases, not people. Open in period = new + from before = closed + not closed (still open, or a closure awaiting sign-off); closed = at lower risk + risk not lower (than at the start).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open in period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From before</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>At lower risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk not lower</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referrals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cases closed: risk against the start</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why risk did not fall, by reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Professionals trained, by profession</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Awareness sessions, by profession</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lone-working check-ins</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>My work</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{start} to {end}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{scope}, {start} to {end}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Organisation not named</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start of the period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>End of the period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whose work</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Organisation, printed on every PDF page</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your organisation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Printed at the top of every page of the PDF</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Funder form (counts under 5 shown as &lt;5)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Funder form: counts under 5 shown as less than 5</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>S&amp;how figures</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show figures</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export &amp;CSV…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export CSV</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export &amp;PDF…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Export PDF</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Report summary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Report figures</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Charts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>CSV (*.csv)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accepted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Declined</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>On time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Late</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Page {page} of {pages}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Report message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Figure</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Count</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Share</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Period:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whose work:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Organisation:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reports</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Figures for funders and managers, counted from the records. Nothing here names a young person. Use the funder form for anything that leaves the service.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Chart: {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{organisation}. Period: {start} to {end}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Charts: {title} (funder form)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Charts: {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The figures could not be counted from the casebook. Try again; if it keeps happening, lock and unlock Spoke. ({error})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub could not count these figures: {reason} Choose a report “as synced to this laptop” to count what this laptop holds.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved the figures as {name}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved the report as {name}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke report: {title}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The whole hub, counted on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{scope}. Funder form: {note}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{scope}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Funder form. {note}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The end of the period is before its start: type an end on or after {start}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team {team}, counted on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the hub for The whole hub…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team {team} (as synced to this laptop)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Worker: {name}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not save {name} ({error}): choose another folder.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the hub for Team {team}…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{section}: the table beside, by area</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.review</name>
        <message>
            <source>Date of the supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Discussion</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decisions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decisions not to act</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Actions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who does each action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When each action is due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Loading…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review summary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Notes and assessments to review, oldest first</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The note to review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case beside it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervision comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A comment for the worker on this note…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mar&amp;k reviewed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mark reviewed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add &amp;comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Open the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record case s&amp;upervision…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record case supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To review (oldest first)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign-off requests</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The request</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Comment for the worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needed to return it: say why, and what to do next…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Approve</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Approve</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Re&amp;turn with comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Return with comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Actions due from case supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Actions due this week or overdue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No actions due this week or overdue.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Date of the supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dis&amp;cussion</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>D&amp;ecisions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decisions &amp;not to act</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Actions: what, who, by when</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save case supervision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>saving</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor comments not yet read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No new comments from your supervisor.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Mark all read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mark all supervisor comments read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reassign case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New key worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New &amp;key worker:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Reassign</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reassign</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign-off message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Written by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Request</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closures, risk levels changed by professional judgement, and what your hub says needs approval. A closure is not final until you approve it; returning it reopens the case for the worker, with your comment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Key worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Current risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sessions recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write your comment first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Comment saved. The worker sees it on their record after the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Approved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>One per line.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>One per line, with the reason (a decision not to act is a decision too).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who (user id: it shows on their Today page)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>About</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Written</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reassign message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the worker who will hold the case from now on.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{notes} to review, {requests} and {overdue}. Notes and requests arrive from your team's laptops when you sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} notes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} sign-off request</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} sign-off requests</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} overdue action</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} overdue actions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{day} (overdue)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing waiting for review.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No sign-off requests.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{reference} ({name})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not assessed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Marked reviewed. It goes to the hub at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To return it, say why and what to do next in the comment box.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Returned: the case reopens for the worker at their next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Returned to the worker with your comment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case supervision recorded. It goes to the hub at the next sync.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save case supervision ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case {reference}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action {n}: what</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action {n}: who</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Action {n}: due by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case {reference} is held by {worker}. At the next sync it leaves their laptop and reaches the new key worker's (who must be in your team). Work they have not synced yet is kept on their laptop, not lost.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The case could not be reassigned: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closed on {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open since {day}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervision comments so far:</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.risk_form</name>
        <message>
            <source>Initial (start of support)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Closing (end of support)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Kind of assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Answers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The score does not match my judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Level in your judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reasons for your judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor sign-off</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next review in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk tool</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Score</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Level</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Some concern</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Significant</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Kind of assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your professional judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The score does not match my &amp;judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Le&amp;vel in your judgement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Reasons</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>An assessment with your own judgement needs your supervisor's sign-off.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> weeks</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Next review in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next review due</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next review due:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Score and level</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save draf&amp;t</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save draft</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Finalise this risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft saved. You can finish this assessment later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>risk assessment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a level…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Say what you know that the questions do not capture. Your supervisor will read this when they sign the assessment off.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Worked out once the date of assessment is typed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>saving a draft</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>finalising</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{tool} (version {version}). For each question choose No, Some concern or Significant. The score and level show once every question has an answer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Finalise ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required: choose the level your judgement gives</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem with {field}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The draft could not be saved: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{question} (last {n} day)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{question} (last {n} days)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{question}: {answer}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.session_form</name>
        <message>
            <source>Young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Length in minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type of contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where you met</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who chose where to meet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who set the pace</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What was discussed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their own words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Do they want to see you again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Concerns</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Actions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Young person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Length</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type of &amp;contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wh&amp;ere you met</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who c&amp;hose where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who set the &amp;pace</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What was &amp;discussed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their ow&amp;n words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“Do you want to see &amp;me?”</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>C&amp;oncerns</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Actions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not entered</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What they said, in their words. They may read this one day.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save draft</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Finalise this session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Once finalised, a session cannot be changed. If something needs correcting later, add an amendment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a young person…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Carrying on with your draft. Finalise it when it is complete.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your unfinished session note has been brought back. Carry on where you left off.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session finalised and saved. It can no longer be changed; the form is ready for your next session.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Session finalised.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>finalising</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not asked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problems with this session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record a session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save draf&amp;t ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save draft ({key}). Drafts are also saved every few seconds.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Finalise ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Finalise ({key}): the session is then kept as it is and cannot be changed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft saved at {time}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The draft could not be saved: {reason}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.settings</name>
        <message>
            <source>Locking</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lock after this many minutes without use</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Lock Spoke after:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Finalising records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ask &amp;before finalising a record (a finalised record cannot be changed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ask before finalising a record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Change your passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Current passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the new passphrase again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>C&amp;hange passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Change passphrase</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke version</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Newer Spoke approved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Changing your passphrase…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your passphrase has been changed. Use the new one next time you unlock Spoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spoke locks itself when you leave it alone for a while, and whenever the laptop goes to sleep. Your drafts are saved first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Passphrase change result</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Current passphrase:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;New passphrase:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Type it again:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type your current passphrase first.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.subject_file</name>
        <message>
            <source>The hub could not be reached, so this file was made from this laptop's casebook only: it holds what this laptop has, not the organisation's whole file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Make a PDF of a young person's file from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Share or export this young person's file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Makes a readable PDF and a machine-readable JSON file of everything held about this young person. Items that may be about other people are marked FOR REVIEW: check them before the file leaves the service.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who the file is for</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name and organisation of who receives it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. DC Fictional, Northshire Police</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Consent for this recipient</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lawful basis for sharing without consent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the lawful basis…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why sharing without consent is needed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>At least 20 characters: what risk, who asked, why now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Folder to save the file in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>B&amp;rowse…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the folder</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;For:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Name and organisation:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lawful &amp;basis:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>W&amp;hy:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save in fo&amp;lder:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the file and record the share</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the file in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Making the file…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub's administrator writes a young person's file with the command spoke-hub requests bundle (a file ending in -subject-file.json). Choose it here to make the readable PDF. Items that may be about other people are marked FOR REVIEW: check them before the file leaves the service.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The file from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>…-subject-file.json</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>C&amp;hoose…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the file from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Folder to save the PDF in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Make PDF</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Make the PDF of the file from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Young person's files (*-subject-file.json);;JSON files (*.json)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the PDF in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reading the file…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Page {page} of {pages}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problems with this file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From the hub: the organisation's whole file (this laptop's copy if the hub cannot be reached).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>From this laptop's casebook (your handover print of this case).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a folder that exists to save the file in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved {pdf} and {json}. {n} item marked FOR REVIEW. The share is recorded.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved {pdf} and {json}. {n} items marked FOR REVIEW. The share is recorded.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>F&amp;ile from the hub:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the file from the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a folder that exists to save the PDF in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The file could not be read: something went wrong.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The file could not be made: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That file from the hub is damaged or was changed after the hub wrote it: make it again with spoke-hub requests bundle.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved {pdf}. {n} item marked FOR REVIEW.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved {pdf}. {n} items marked FOR REVIEW.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>something went wrong.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The share is recorded, but the file could not be saved in that folder ({error}). Choose another folder and save again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The PDF could not be saved in that folder ({error}). Choose another folder and try again.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.sync_panel</name>
        <message>
            <source>Sending safety records first</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Uploading your records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sending everything again to a restored hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Downloading updates</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sending and fetching documents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>https://hub.example-charity.org.uk:8470</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolment code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub certificate fingerprint</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Only for https: given with the code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Enrol this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrol this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolling…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sh&amp;ow what is held back…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show what is held back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync progress</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync &amp;now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Conflicts to resolve</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrol this laptop again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What happens to your records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New enrolment code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. 7Q2M-XK4D-9HTW-B3ZR</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Enrol this laptop again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolling this laptop again…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync with your hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hub &amp;address:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolment &amp;code:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Certificate &amp;fingerprint:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolment message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This laptop is not connected to a hub yet, so your records stay only here. Ask your hub administrator for an enrolment code (it works once, for 24 hours), then enter it with the hub's address.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enter the hub's address and your enrolment code.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last sync problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last upload:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last upload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last download:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last download</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting to upload:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting to upload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Held back:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Held back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Conflicts to resolve:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Why this laptop must be enrolled again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New enrolment &amp;code:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrol again message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub no longer accepts this laptop's sign-in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The {n} record waiting to upload stays safe on this laptop and will be sent as soon as it is enrolled again. Enter the new enrolment code (it must be in your own name); the hub address is filled in. Your casebook and passphrase stay as they are.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The {n} records waiting to upload stay safe on this laptop and will be sent as soon as it is enrolled again. Enter the new enrolment code (it must be in your own name); the hub address is filled in. Your casebook and passphrase stay as they are.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing on this laptop is lost. Enter the new enrolment code (it must be in your own name); the hub address is filled in. Your casebook and passphrase stay as they are.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enter the new enrolment code (and the hub's address).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} record the hub would not take, kept safe on this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} records the hub would not take, kept safe on this laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Syncing…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync now ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last sync: {problem}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.team</name>
        <message>
            <source>Worker</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Active cases</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk of open cases</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reviews overdue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not yet assessed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Notes to review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Laptop last seen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Look closer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} (under)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} (over)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>never</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>yesterday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Re&amp;fresh from the hub (F5)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Refresh the team view from the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Asking the hub for your team's figures…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>something went wrong</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>today, {time}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{days} days ago</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{when} (silent: {laptops})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team view status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Each worker's open cases against the 10-12 guide, risk, reviews overdue, notes waiting for your review, and when their laptop last reached the hub. A laptop silent for days may be holding notes nobody has seen. Counted by the hub; nothing here is kept on this laptop.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{level} {count}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none open</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nothing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Team {team}: {people} people, counted by the hub at {time}. Caseload guide: {low}-{high} open cases each.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The team view needs the hub, and it could not be fetched: {reason}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.today</name>
        <message>
            <source>What needs doing, most urgent first</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Loading your caseload…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Summary of your caseload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record &amp;a session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Record a session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>See your &amp;caseload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>See your caseload</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New re&amp;ferral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visi&amp;ts: plan a visit or check in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Go to Visits</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Press Enter to go to the selected item</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing needs doing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where things stand</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your visits</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Records waiting to sync</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connect to your &amp;hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connect to your hub on the Sync page</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your visits:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sync:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor comments not yet read</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor comments</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You have {n} open case.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You have {n} open cases.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Risk review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Current risk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last saved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Today</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No visit under way. Plan one on the Visits page before you go out alone.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You have no open cases at the moment.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not assessed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No contact recorded in the last {days} days with: {references} and {n} other case.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No contact recorded in the last {days} days with: {references} and {n} other cases.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No contact recorded in the last {days} days with: {references}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not part of a case</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.visit_pins</name>
        <message>
            <source>Check-in and duress PINs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PIN status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in PIN</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in PIN again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Duress PIN</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Duress PIN again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save &amp;PINs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save PINs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Re&amp;move PINs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Remove PINs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The PINs could not be saved: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your PINs are saved. Every check-in will now ask for your PIN.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The PINs could not be removed: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PINs removed. Check-ins no longer ask for a PIN.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PIN setup result</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-&amp;in PIN:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in PIN &amp;again:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Duress PIN:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dur&amp;ess PIN again:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>PINs are set up: every check-in asks for your PIN.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No PINs set up: check-ins do not ask for a PIN and there is no duress PIN.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The check-in PINs you typed do not match.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The duress PINs you typed do not match.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The duress PIN must be different from the check-in PIN.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>With PINs set up, every check-in asks for your PIN. If someone is forcing you to check in, type your duress PIN instead: the screen looks exactly like an ordinary check-in, and the hub silently alerts your manager at once. PINs are {least} to {most} digits; Spoke keeps only a scrambled form of them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in PIN: {problem}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Duress PIN: {problem}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.visits</name>
        <message>
            <source>No case (for example outreach or a drop-in)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Case reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Expected end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>High-risk visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check in every</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Vehicle</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your mobile number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Buddy's name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Buddy's phone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Amber note (known risks)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raise the alarm?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raise the alarm now? Spoke sends it to the hub, which alerts the people it has for your team. Until it reaches the hub nobody knows: if you are in immediate danger, call 999.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raise &amp;alarm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home safe?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Are you home safe? This ends the visit and your working day.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nobody is alerted for this visit after this. If you are still out, choose Go back.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Home safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Go back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes, I am home safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Go back, the visit carries on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Case reference</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>E&amp;xpected end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This is a &amp;high-risk visit (check in every 30 minutes)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check &amp;in every</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Vehic&amp;le</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your &amp;mobile number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>B&amp;uddy's name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Buddy's pho&amp;ne</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Am&amp;ber note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Clear the form</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This plan may name a young person. Your buddy and the on-call manager read it, so use the case reference instead. If it is not a name (a street, say), press Start visit again to start anyway.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whether the hub is watching this visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alarm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next check-in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last check-in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not yet on the hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Until it is armed: text your plan to your buddy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Fallback: text your plan to your buddy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your buddy's number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Text message with your plan</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy the text message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your P&amp;IN:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your PIN</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check in: safe</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Extend the visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Extend by this many minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>End visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home safe, end of day</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raise alarm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copied. Paste it into a text message to your buddy.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in reminder</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in and duress &amp;PINs…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Set up check-in and duress PINs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in and duress PINs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problems with this visit plan</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>An address, a postcode or a description of the place. Never a young person's name: your buddy and the on-call manager read this.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Make, colour and registration, if you are driving.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The phone you carry; Spoke remembers it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Optional: known risks at this place (a dog, a previous incident).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Plan your visit before you go. Spoke sends the plan to your hub, which watches the clock for you even if this laptop is closed or out of signal. The visit is ARMED only once the hub has confirmed it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>starting the visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy result</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in result</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nobody will be alerted: text your plan to your buddy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This visit has ended.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start a visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visits (lone working)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit started. This laptop is not connected to a hub: text your plan to your buddy.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit started. Spoke is sending your plan to the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type your PIN to check in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That PIN is not right. Type it again to check in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{check_in} at {time}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alarm saved on this laptop, but it is not connected to a hub: nobody knows. Call 999 if you are in danger.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Alarm saved on this laptop; Spoke is sending it to the hub.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>S&amp;tart visit ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is required</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>is needed: type your buddy's phone number, for example 07700 900456</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Copy message ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Chec&amp;k in: safe ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>E&amp;xtend the visit ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;End visit ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>H&amp;ome safe, end of day ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Raise &amp;alarm ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Armed, but the hub has nobody to alert — call your manager</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The hub is watching the clock, but no contact or notifier is set up on it, so a missed check-in or an alarm reaches no one. Text the plan below to your buddy from your phone, and tell your manager the hub needs setting up.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NOT ARMED — this laptop is not connected to a hub</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No hub is watching this visit, so nobody will be alerted if you miss a check-in or raise the alarm. Text the plan below to your buddy from your phone now, and go only if your buddy is watching for you. To connect this laptop, ask your hub administrator for an enrolment code (Sync page, Ctrl+9).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>NOT ARMED — the hub is not watching this visit yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your hub has not confirmed your plan, so nobody will be alerted if you miss a check-in. Text the plan below to your buddy from your phone now. Spoke sends the plan the moment a connection appears, before anything else.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send it to your buddy, {name}: {phone}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The visit could not be started: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit at {place} ({reference}). Started {start}, expected end {end}. Check in every {minutes} minutes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Visit at {place}. Started {start}, expected end {end}. Check in every {minutes} minutes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not yet on the hub: your check-in at {times}. It is kept on this laptop with its time and goes to the hub first, as soon as there is a connection.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{check_in} Take care.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{field} {problem}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ARMED — the hub will start escalating at {time} if you have not checked in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>ARMED — check in now: the hub started escalating at {time}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{reach} Your hub has your plan and is watching the clock, even if this laptop is closed or out of signal.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check-in OVERDUE since {time} — check in now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next check-in due at {time} (in {n} minute).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next check-in due at {time} (in {n} minutes).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The check-in could not be recorded: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The alarm could not be recorded: {error}. Call 999.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.views.young_person_dialog</name>
        <message>
            <source>Full name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name they like to be called</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of birth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Gender (in their words)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ethnic group</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Ethnicity in their own words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The professional to contact them through</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Leave a message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needs and contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Te&amp;xt message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Phone call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>In pe&amp;rson</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Through a named pro&amp;fessional</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not asked yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes, a message may be left</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No, never leave a message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The group they say they belong to (2021 census list).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Typed as {format}, for example 04/12/2012.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Correct their details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saving keeps the details as they are now as an earlier version, shown on the case page with who changed what and when.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who they are</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Full &amp;name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Likes to be called</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of &amp;birth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Gender</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>E&amp;thnic group</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>In their &amp;words</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How they like to be contacted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Their name and r&amp;ole</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lea&amp;ve a message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Needs and &amp;contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safe contact numbers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save correction</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safe number {row}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whose phone is safe number {row}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safe times for number {row}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>In their own words.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>For example: Demo Ash, school nurse (fictional).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>For example: prefers texts after 4pm; no letters at home.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whose phone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Safe times</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>digits, spaces and +</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. their own, or a foster carer's</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. weekdays after 4pm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>saving</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing has changed. Change a detail, or close.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Save correction ({key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contact by {way}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Number &amp;{row}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The group they say they belong to (2021 census list). Recorded at referral, in the referrer's words: “{words}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The details could not be saved: {reason}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>spokeapp.ui.widgets</name>
        <message>
            <source>Close (Esc)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>S&amp;how what I type</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show what I type</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Page</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Passphrase strength</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Strength:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing typed yet</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
